// The registry this project installs from serves only some platforms' builds of packages with
// native binaries (@swc/core-*, @unrs/resolver-binding-*): the rest answer 404, so npm leaves them
// out of package-lock.json, and `npm ci` then refuses the lock ("Missing: … from lock file").
// This adds an entry for each missing optional platform package with its os/cpu, which is all
// `npm ci` needs to skip it on every other platform. Run after `npm install` changes the lock:
//   node scripts/lockfile-add-platform-stubs.mjs
import { readFileSync, writeFileSync } from 'node:fs';

const LOCK = new URL('../package-lock.json', import.meta.url);
const OSES = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openharmony'];
const CPUS = ['arm64', 'arm', 'x64', 'ia32', 'ppc64', 's390x', 'riscv64', 'loong64'];

const lock = JSON.parse(readFileSync(LOCK, 'utf8'));
const added = [];
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key] || lock.packages[`${path}/${key}`]) continue;
    const parts = name.split('/').pop().split('-');
    const os = parts.find((p) => OSES.includes(p));
    const cpu = parts.find((p) => CPUS.includes(p));
    if (!os || !cpu) throw new Error(`cannot tell the platform of ${name}; add its entry by hand`);
    lock.packages[key] = { version, ...(entry.dev ? { dev: true } : {}), optional: true, os: [os], cpu: [cpu] };
    added.push(name);
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
process.stdout.write(added.length ? `added platform stubs: ${added.join(', ')}\n` : 'nothing missing\n');
