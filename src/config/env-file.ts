// A VPS keeps its settings in .env beside ecosystem.config.js (002's deploy guide). Values from the
// real environment win over the file, as with `node --env-file`; a missing file is fine.
import { readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

export function withEnvFile(env: NodeJS.ProcessEnv, file: string): NodeJS.ProcessEnv {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return env;
    throw err;
  }
  return { ...parseEnv(text), ...env };
}
