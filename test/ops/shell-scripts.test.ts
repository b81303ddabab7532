// Every shell script an operator runs parses (bash -n) and is shellcheck-clean.
import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from '@jest/globals';

const run = promisify(execFile);
const SCRIPTS = path.resolve(import.meta.dirname, '../../scripts');

it('bash -n and shellcheck find nothing in scripts/*.sh', async () => {
  const scripts = (await readdir(SCRIPTS)).filter((f) => f.endsWith('.sh')).map((f) => path.join(SCRIPTS, f));
  expect(scripts.map((s) => path.basename(s)).sort()).toEqual(expect.arrayContaining(['backup.sh', 'restore.sh']));
  for (const script of scripts) {
    await run('bash', ['-n', script]);
    // Exit 0 with no output, or the issues it prints fail the test with them.
    const { stdout } = await run('shellcheck', ['--severity=style', script]).catch((err: { stdout: string }) => ({ stdout: err.stdout || String(err) }));
    expect([path.basename(script), stdout]).toEqual([path.basename(script), '']);
  }
});
