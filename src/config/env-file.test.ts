import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from '@jest/globals';
import { withEnvFile } from './env-file.js';

it('fills unset keys from the file, lets the environment win, and tolerates a missing file', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'drin-env-'));
  const file = path.join(dir, '.env');
  await writeFile(file, 'PORT=4000\nLOG_LEVEL=debug\n# comment\nCORS_ORIGINS="https://a.test"\n');
  const env = withEnvFile({ PORT: '5000' }, file);
  expect(env).toMatchObject({ PORT: '5000', LOG_LEVEL: 'debug', CORS_ORIGINS: 'https://a.test' });
  expect(withEnvFile({ A: '1' }, path.join(dir, 'missing'))).toEqual({ A: '1' });
});
