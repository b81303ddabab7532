/**
 * `npm run sim`: a simulator process a locally running daemon can connect to.
 *   --port <n> | WA_SIM_PORT          (default 3999; 0 = any free port)
 *   --state <file> | WA_SIM_STATE_FILE  keep phones and the root key across restarts
 *   WA_SIM_LOG_LEVEL                  pino level for the simulator's log on stderr (default info)
 * Prints the URL and root public key to configure the daemon with, then reads commands on stdin.
 */
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { runShellCommand, SHELL_HELP } from './shell-commands.js';
import { startSimulator } from './simulator.js';

const { values } = parseArgs({
  options: { port: { type: 'string' }, state: { type: 'string' } },
  allowPositionals: false,
});
const port = Number(values.port ?? process.env.WA_SIM_PORT ?? 3999);
const stateFile = values.state ?? process.env.WA_SIM_STATE_FILE;
const logger = pino({ level: process.env.WA_SIM_LOG_LEVEL ?? 'info' }, pino.destination(2));

const sim = await startSimulator({ port, stateFile, logger });
const print = (text: string) => text && process.stdout.write(`${text}\n`);
print(`WhatsApp simulator listening
  WA_WS_URL=${sim.url}
  WA_SIMULATOR_ROOT_KEY=${sim.rootPublicKey.toString('base64')}
  WA_MEDIA_HOST=${sim.media.address}
  WA_MEDIA_CA=${Buffer.from(sim.media.certPem).toString('base64')}
  state file: ${stateFile ?? '(none: phones are forgotten on exit)'}
${SHELL_HELP}`);

const shell = createInterface({ input: process.stdin });
shell.on('line', (line) => {
  runShellCommand(sim, line).then(print, (error: Error) => print(`error: ${error.message}`));
});

const shutdown = async () => {
  shell.close();
  await sim.close();
  process.exit(0);
};
process.once('SIGINT', () => void shutdown());
process.once('SIGTERM', () => void shutdown());
