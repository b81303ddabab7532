// Jest's globalSetup is loaded with require(), which cannot take our ESM TypeScript, so the work
// runs in a child process (prepare-template.ts) and hands back the template database's URL.
// Workers inherit process.env, which is how test-database.ts finds it.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function globalSetup() {
  const script = fileURLToPath(new URL('./prepare-template.ts', import.meta.url));
  const url = execFileSync(process.execPath, ['--experimental-wasm-modules', '--disable-warning=ExperimentalWarning', '--import', 'tsx', script], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, NODE_OPTIONS: '' },
  }).trim();
  if (url) process.env.DRIN_TEST_TEMPLATE_URL = url;
  else delete process.env.DRIN_TEST_TEMPLATE_URL;
}
