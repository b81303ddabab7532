// A bare Baileys socket (makeWASocket with the simulator's testSocketConfig), the reference the
// benchmarks hold the daemon against: no storage, no engine, only the lifecycle a linking needs.
import { makeWASocket, type AuthenticationState, type WAMessage } from '@whiskeysockets/baileys';
import { pollUntil } from '../test/wa-sim/deadline.js';
import { testSocketConfig } from '../test/wa-sim/test-client.js';

const LONG = { timeoutMs: 120_000 };

export interface BareAuth {
  state: AuthenticationState;
  save: () => Promise<void>;
}

export function bareClient(url: string, auth: BareAuth, onMessages?: (messages: WAMessage[]) => void) {
  const sock = makeWASocket(testSocketConfig(url, auth.state));
  const qrs: string[] = [];
  let closed: number | undefined | null = null;
  let open = false;
  sock.ev.on('creds.update', () => void auth.save());
  sock.ev.on('connection.update', (u) => {
    if (u.qr) qrs.push(u.qr);
    if (u.connection === 'open') open = true;
    if (u.connection === 'close') closed = (u.lastDisconnect?.error as { output?: { statusCode?: number } } | undefined)?.output?.statusCode;
  });
  if (onMessages) sock.ev.on('messages.upsert', ({ messages }) => onMessages(messages));
  return {
    sock,
    qr: () => pollUntil(() => qrs[0], 'a QR', LONG),
    close: () => pollUntil(() => (closed === null ? undefined : { code: closed }), 'a close', LONG),
    open: () => pollUntil(() => (open ? true : closed !== null ? new Error(`closed with ${closed}`) : undefined), 'open', LONG),
  };
}

export type BareClient = ReturnType<typeof bareClient>;

/** Registers a new device: its QR goes to `scan` (which has a simulator phone scan it), then the linked socket opens. */
export async function linkBareClient(url: string, auth: BareAuth, scan: (qr: string) => void, onMessages?: (messages: WAMessage[]) => void): Promise<BareClient> {
  const registering = bareClient(url, auth);
  scan(await registering.qr());
  const { code } = await registering.close();
  if (code !== 515) throw new Error(`the registering socket closed with ${code} instead of 515 (restart required)`);
  const linked = bareClient(url, auth, onMessages);
  const opened = await linked.open();
  if (opened instanceof Error) throw opened;
  return linked;
}
