// `npm run bench -- <name> [more names]`: runs bench/<name>.bench.ts, each in a process of its
// own (one after another, never at once: they would share the two cores). `npm run bench` alone
// lists the names. Knobs are each benchmark's BENCH_* variables (see its header and BENCHMARKS.md).
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';

const BENCH_DIR = import.meta.dirname;
const SUFFIX = '.bench.ts';
const names = readdirSync(BENCH_DIR)
  .filter((f) => f.endsWith(SUFFIX))
  .map((f) => f.slice(0, -SUFFIX.length))
  .sort();
const asked = process.argv.slice(2);

if (asked.length === 0) {
  process.stdout.write(`usage: npm run bench -- <name> [name …]\n\n${names.map((n) => `  ${n}`).join('\n')}\n`);
  process.exit(0);
}
const unknown = asked.filter((n) => !names.includes(n));
if (unknown.length > 0) {
  process.stderr.write(`no benchmark named ${unknown.join(', ')}; there are: ${names.join(', ')}\n`);
  process.exit(2);
}
for (const name of asked) {
  process.stdout.write(`\n## ${name}\n\n`);
  const run = spawnSync(process.execPath, ['--experimental-wasm-modules', '--disable-warning=ExperimentalWarning', '--import', 'tsx', path.join(BENCH_DIR, `${name}${SUFFIX}`)], {
    stdio: 'inherit',
    cwd: path.resolve(BENCH_DIR, '..'),
  });
  if (run.status !== 0) process.exit(run.status ?? 1);
}
