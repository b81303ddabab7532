import { describe, expect, it } from '@jest/globals';
import { CHANNELS, parseNotice } from './slot-channels.js';

describe('parseNotice', () => {
  it('accepts each channel’s payload', () => {
    expect(parseNotice(CHANNELS.commands, JSON.stringify({ id: 'c1', storeId: 's1', slot: 2 }))).toEqual({ channel: 'commands', notice: { id: 'c1', storeId: 's1', slot: 2 } });
    expect(parseNotice(CHANNELS.changes, JSON.stringify({ storeId: 's1', slot: 1, origin: 'p' }))).toMatchObject({ channel: 'changes' });
    expect(parseNotice(CHANNELS.stores, JSON.stringify({ storeId: 's1', kind: 'deleted', at: new Date().toISOString() }))).toMatchObject({ channel: 'stores' });
  });

  it('drops what another process (or anyone with NOTIFY rights) could send wrong, without throwing', () => {
    for (const [channel, payload] of [
      [CHANNELS.commands, 'not json'],
      [CHANNELS.commands, JSON.stringify({ id: 'c1', storeId: '../etc', slot: 1 })],
      [CHANNELS.changes, JSON.stringify({ storeId: 's1', slot: 'one', origin: 'p' })],
      [CHANNELS.stores, JSON.stringify({ storeId: 's1', kind: 'exploded', at: 'yesterday' })],
      ['drin_other', '{}'],
    ] as const) {
      expect(parseNotice(channel, payload)).toEqual({ dropped: expect.any(String) });
    }
  });
});
