// Runs a benchmark as `npm run bench` does (its own process, through tsx) with small figures, for
// the smoke tests in this folder: each checks that its benchmark still runs to the end and prints
// its table, never how fast it went (speed is the benchmark's to report, not a test's to assert).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { TEMPLATE_ENV } from '../support/test-database.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface BenchRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The Postgres server the test databases live on, where the benchmark makes its scratch database. */
function benchServer(): string {
  const template = process.env[TEMPLATE_ENV];
  if (!template) throw new Error('the benchmark smoke tests need a Postgres server (no template database was prepared)');
  const url = new URL(template);
  url.pathname = '/postgres';
  return url.toString();
}

export function runBench(name: string, env: Record<string, string>, timeoutMs: number): Promise<BenchRun> {
  const child = spawn(process.execPath, ['--experimental-wasm-modules', '--disable-warning=ExperimentalWarning', '--import', 'tsx', path.join('bench', `${name}.bench.ts`)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, BENCH_DATABASE_URL: benchServer(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d.toString()));
  child.stderr.on('data', (d) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`bench ${name} did not finish in ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr.slice(-4000)}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The rows of the first Markdown table in `text` whose header starts with `firstColumn`, keyed by header. */
export function tableRows(text: string, firstColumn: string): Array<Record<string, string>> {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`| ${firstColumn} |`));
  if (start < 0) return [];
  const cells = (line: string) => line.slice(1, -1).split('|').map((c) => c.trim());
  const header = cells(lines[start]!);
  const rows: Array<Record<string, string>> = [];
  for (const line of lines.slice(start + 2)) {
    if (!line.startsWith('|')) break;
    const values = cells(line);
    rows.push(Object.fromEntries(header.map((h, i) => [h, values[i] ?? ''])));
  }
  return rows;
}

/** Fails with the benchmark's own last words when it did not exit 0. */
export function expectFinished(run: BenchRun): void {
  if (run.code !== 0) throw new Error(`the benchmark exited with ${run.code}\nstdout:\n${run.stdout.slice(-3000)}\nstderr:\n${run.stderr.slice(-3000)}`);
}
