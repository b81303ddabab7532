// Patches libsignal's job queue (run by `npm ci` / `npm install`, before anything else).
//
// Why: libsignal runs every Signal session job of the process through one queue per peer
// address, and a queued job runs in the async context of whichever caller started the queue's
// current run. Baileys keeps its auth-key transaction in an AsyncLocalStorage, so when one
// customer talks to two slots of one daemon at once, one slot's decrypt/encrypt can run inside
// its own earlier, already committed transaction: its session writes vanish, and later messages
// fail (counter errors, "Over 2000 messages into the future", Bad MAC). Binding each job to its
// caller's context (AsyncResource.bind) fixes that; the queue still serializes as before.
// test/whatsapp/libsignal-queue.test.ts proves the patch is in place and works.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const file = require.resolve('libsignal/src/queue_job.js');
const MARKER = '/* drin: jobs run in their caller\'s async context */';
const ORIGINAL = `    const job = new Promise((resolve, reject) => queue.push({
        awaitable,`;
const PATCHED = `    ${MARKER}
    const job = new Promise((resolve, reject) => queue.push({
        awaitable: require('async_hooks').AsyncResource.bind(awaitable),`;

const source = readFileSync(file, 'utf8');
if (source.includes(MARKER)) {
  process.stdout.write('libsignal queue_job: already patched\n');
} else if (source.includes(ORIGINAL)) {
  writeFileSync(file, source.replace(ORIGINAL, PATCHED));
  process.stdout.write('libsignal queue_job: patched (jobs keep their caller\'s async context)\n');
} else {
  process.stderr.write(`libsignal queue_job: ${file} is not the version this patch was written for; review scripts/patch-libsignal.mjs\n`);
  process.exit(1);
}
