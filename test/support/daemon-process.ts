// Runs the daemon as a real process (what PM2 runs), from source through tsx or (`built`) from
// a build as `npm start` does, and reads its JSON log lines so a test can wait for them.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '../..');

export interface DaemonProcess {
  child: ChildProcess;
  url: string;
  output(): string;
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface SpawnOptions {
  /** Run <built>/main.js, a build (`npm run build` makes dist/), instead of the sources. */
  built?: string;
  /** More node flags (e.g. --inspect=127.0.0.1:0). */
  nodeArgs?: string[];
}

export async function spawnDaemon(env: Record<string, string>, timeoutMs = 120_000, options: SpawnOptions = {}): Promise<DaemonProcess> {
  const entry = options.built ? [path.join(options.built, 'main.js')] : ['--import', 'tsx', 'src/main.ts'];
  const child = spawn(process.execPath, ['--experimental-wasm-modules', '--disable-warning=ExperimentalWarning', ...(options.nodeArgs ?? []), ...entry], {
    cwd: ROOT,
    // A daemon run as a user would (no NODE_ENV=test, no simulator) would ask web.whatsapp.com
    // for the current WhatsApp Web version at boot: tests never reach the network.
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: '0', LOG_LEVEL: 'info', WA_WEB_VERSION_REFRESH: 'false', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d.toString()));
  child.stderr!.on('data', (d) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`daemon did not start in time:\n${out}`)), timeoutMs);
    const check = () => {
      const match = /"url":"(http:\/\/[^"]+)".*"msg":"drin is listening"/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`daemon exited with ${code} before listening:\n${out}`));
    });
  });

  return {
    child,
    url,
    output: () => out,
    exited,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal);
      return exited;
    },
  };
}
