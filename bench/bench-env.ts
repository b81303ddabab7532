// What every benchmark reads the same way: its BENCH_* figures, the Postgres server it makes its
// scratch database on, and the commit it measured (for the first line of its output).
import { execFileSync } from 'node:child_process';

/** A BENCH_* figure, or its full-run default. */
export const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);

/** BENCH_DATABASE_URL: the server a benchmark makes its scratch database on (default the local one). */
export const BENCH_SERVER = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** The short commit of this checkout, marked when src/ has uncommitted changes: the code measured may be work in progress. */
export function benchedCommit(): string {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: import.meta.dirname, encoding: 'utf8' }).trim();
  try {
    const commit = git('rev-parse', '--short', 'HEAD');
    return git('status', '--porcelain', '--', 'src') ? `${commit} + uncommitted changes in src/` : commit;
  } catch {
    return 'unknown (not a checkout)';
  }
}
