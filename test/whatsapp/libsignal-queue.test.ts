// libsignal's per-address job queue must run each job in its caller's async context, or one slot's
// Signal work can land in another (or an already committed) Baileys auth transaction. Drin patches
// libsignal at install (scripts/patch-libsignal.mjs); this proves the installed copy behaves.
import { AsyncLocalStorage } from 'node:async_hooks';
import { createRequire } from 'node:module';
import { expect, it } from '@jest/globals';

const require = createRequire(import.meta.url);
const queueJob = require('libsignal/src/queue_job.js') as (bucket: string, job: () => Promise<unknown>) => Promise<unknown>;

it('runs a queued job in the context of the caller that queued it', async () => {
  const context = new AsyncLocalStorage<string>();
  let releaseFirst!: () => void;
  const firstHeld = new Promise<void>((resolve) => (releaseFirst = resolve));
  // Slot A starts the queue for this contact address and holds it...
  const first = context.run('slot A', () => queueJob('5511999999999_1.0', async () => {
    await firstHeld;
    return context.getStore();
  }));
  // ...while slot B queues work for the same address from its own context.
  const second = context.run('slot B', () => queueJob('5511999999999_1.0', async () => context.getStore()));
  releaseFirst();
  expect(await first).toBe('slot A');
  expect(await second).toBe('slot B');
});
