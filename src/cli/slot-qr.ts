// `qr <storeId> <slot> [--watch]`: the slot's QR drawn in the terminal. With --watch it follows
// the slot (the daemon's change notices, and a look every few seconds in case one is missed): a
// new QR is drawn when WhatsApp rotates it, and it ends when the slot is connected (exit 0) or
// stops waiting for a scan (exit 3).
import QRCode from 'qrcode';
import type { SlotRef } from '../kernel/index.js';
import type { SlotChangeFeed } from '../whatsapp/engine/index.js';
import type { SessionsService } from '../whatsapp/sessions/index.js';

const LOOK_EVERY_MS = 5_000;
const HINT = 'scan it on the phone: WhatsApp → Linked devices → Link a device';

export async function printSlotQr(deps: { sessions: SessionsService; feed: SlotChangeFeed; out: (text: string) => void }, ref: SlotRef, opts: { watch: boolean; timeoutMs?: number }): Promise<number> {
  const { sessions, out } = deps;
  const draw = async () => {
    const { qr, expiresAt } = await sessions.qr(ref);
    out(await QRCode.toString(qr, { type: 'terminal', small: true }));
    out(`${HINT}${expiresAt ? ` (it changes at ${expiresAt}${opts.watch ? '; a new one is drawn here' : '; run this again then'})` : ''}`);
    return qr;
  };
  if (!opts.watch) {
    await draw();
    return 0;
  }
  let shown: string | undefined;
  return new Promise<number>((resolve, reject) => {
    let busy = Promise.resolve();
    const finish = (code: number) => {
      clearInterval(look);
      clearTimeout(deadline);
      unsubscribe();
      resolve(code);
    };
    const check = () => {
      busy = busy
        .then(async () => {
          const view = await sessions.get(ref);
          if (view.status === 'connected') {
            out(`connected${view.phone ? ` as +${view.phone}` : ''}`);
            return finish(0);
          }
          if (view.status === 'qrcode') {
            const { qr } = await sessions.qr(ref).catch(() => ({ qr: shown }));
            if (qr && qr !== shown) shown = await draw();
            return;
          }
          if (view.status !== 'connecting' && view.status !== 'reconnecting') {
            out(`the slot is ${view.status}${view.lastError ? ` (${view.lastError})` : ''}: start it again to get a QR`);
            finish(3);
          }
        })
        .catch(reject);
    };
    const unsubscribe = deps.feed.subscribe(ref.storeId, (slot) => slot === ref.slot && check(), () => undefined);
    const look = setInterval(check, LOOK_EVERY_MS);
    const deadline = setTimeout(() => {
      out('still not linked: giving up watching');
      finish(3);
    }, opts.timeoutMs ?? 10 * 60_000);
    check();
  });
}
