// .env.example and the README must list every key the config schema reads, and nothing else.
import { readFileSync } from 'node:fs';
import { expect, it } from '@jest/globals';
import { ZEnv } from './config.js';

const root = new URL('../../', import.meta.url);
const keys = Object.keys(ZEnv.shape).sort();

it('.env.example documents every config key, each with a comment', () => {
  const lines = readFileSync(new URL('.env.example', root), 'utf8').split('\n');
  const listed = lines.map((l) => /^([A-Z_]+)=/.exec(l)?.[1]).filter(Boolean).sort();
  expect(listed).toEqual(keys);
  for (const key of keys) {
    const at = lines.findIndex((l) => l.startsWith(`${key}=`));
    const commentAbove = lines.slice(0, at).reverse().find((l) => !/^[A-Z_]+=/.test(l));
    expect(commentAbove?.startsWith('#')).toBe(true);
  }
});

it('the README config table lists every config key', () => {
  const readme = readFileSync(new URL('README.md', root), 'utf8');
  for (const key of keys) expect(readme).toContain(`| \`${key}\``);
});
