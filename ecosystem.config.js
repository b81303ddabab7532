// PM2 process file: `npm run build && pm2 start ecosystem.config.js` runs production (it needs
// DATABASE_URL, DRIN_API_KEY and SECRETS_KEY); `--env development` runs with generated dev secrets.
// Settings come from .env in this folder (read by the daemon itself at boot) or PM2's env.
// One instance by default: every slot is owned by one process through Postgres advisory locks
// (fenced), so more instances (or VPSs) on one DATABASE_URL share the slots safely
// (ARCHITECTURE.md, scale-out); never run more than one instance on the embedded database.

/** @type {import('pm2').StartOptions[]} */
export const apps = [
  {
    name: 'drin',
    script: 'dist/main.js',
    cwd: import.meta.dirname,
    node_args: ['--experimental-wasm-modules', '--disable-warning=ExperimentalWarning'],
    exec_mode: 'fork',
    instances: 1,
    // SIGTERM first; the daemon closes sockets and flushes auth writes within SHUTDOWN_TIMEOUT_MS
    // (default 10 s), well inside this.
    kill_timeout: 15_000,
    // Up only once it says so (process.send('ready') after migrations and listen): a start that
    // migrates a large database may take a while, and a reload waits for it.
    wait_ready: true,
    listen_timeout: 120_000,
    // Crash loops back off instead of hammering WhatsApp and the database.
    exp_backoff_restart_delay: 1_000,
    max_memory_restart: '2G',
    time: true,
    merge_logs: true,
    // Production unless asked otherwise: a forgotten `--env` must not start a VPS on generated keys.
    // MALLOC_ARENA_MAX: glibc gives every thread that mallocs (libuv's pool, V8's GC and compiler
    // threads) an arena of its own, ~40 MB of RSS that a daemon idling with its sockets never
    // uses; two arenas cut it (BENCHMARKS.md, memory per slot).
    env: { NODE_ENV: 'production', MALLOC_ARENA_MAX: '2' },
    env_production: { NODE_ENV: 'production', MALLOC_ARENA_MAX: '2' },
    env_development: { NODE_ENV: 'development', MALLOC_ARENA_MAX: '2' },
  },
];

export default { apps };
