import { describe, expect, it } from '@jest/globals';
import { devKeyNotice } from './dev-key-notice.js';

const input = { adminApiKey: 'drin_admin_0123456789abcdefghijklmnop', file: '/srv/drin/data/dev-secrets.json', url: 'http://127.0.0.1:3000' };

describe('devKeyNotice', () => {
  it('shows the key on an interactive terminal, with where it is kept', () => {
    const text = devKeyNotice({ ...input, isTTY: true });
    expect(text).toContain(`DRIN_API_KEY=${input.adminApiKey}`);
    expect(text).toContain(input.file);
  });

  it('never prints the key when stdout is not a terminal (PM2 log files), only where it is kept', () => {
    const text = devKeyNotice({ ...input, isTTY: false });
    expect(text).not.toContain(input.adminApiKey);
    expect(text).not.toContain('DRIN_API_KEY=');
    expect(text).toContain(input.file);
  });
});
