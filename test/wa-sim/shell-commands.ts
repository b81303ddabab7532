import type { WhatsAppSimulator } from './simulator.js';

/**
 * Commands a developer types into `npm run sim` to play the phone for a locally running daemon.
 * Each returns the line to print.
 */
export const SHELL_HELP = `commands:
  scan <phone> <qr>                       scan a QR the daemon shows, as <phone>
  code <phone> <CODE>                     type a pairing code on <phone>
  text <phone> <contact> <words…>         <contact> (a number or …@lid) sends a text to <phone>
  pntext <phone> <contact> <words…>       same, PN-addressed
  receipt <phone> <contact> <id> <kind>   kind: server | delivered | read | played
  inbox <phone> <contact>                 what the daemon sent to <contact>
  logout|replace|restart|drop|silence <phone>
  flap <phone> <everyMs>  /  unflap <phone>
  phones                                  phones and their live connections
  help`;

export async function runShellCommand(sim: WhatsAppSimulator, line: string): Promise<string> {
  const [command, phone = '', ...rest] = line.trim().split(/\s+/);
  const contact = () => sim.phone(phone).contact(rest[0] ?? '');
  switch (command) {
    case undefined:
    case '':
      return '';
    case 'scan':
      await sim.scanQr(rest.join(' '), { phone });
      return `linked a device to ${phone}; the client restarts (515) and logs in`;
    case 'code':
      await sim.enterPairingCode(phone, rest[0] ?? '');
      return `linked a device to ${phone} by code`;
    case 'text':
    case 'pntext': {
      const addressing = command === 'pntext' ? 'pn' : 'lid';
      const id = await contact().sendText(rest.slice(1).join(' '), { addressing });
      return `sent ${id}`;
    }
    case 'receipt':
      contact().sendReceipt(rest[1] ?? '', (rest[2] ?? 'delivered') as 'delivered');
      return 'receipt sent';
    case 'inbox':
      return contact()
        .inbox.peekAll()
        .map((m) => `${m.id} → ${m.to}: ${m.text}`)
        .join('\n');
    case 'logout':
      return `logged out ${await sim.logout(phone)} connection(s)`;
    case 'replace':
      return `replaced ${await sim.replace(phone)} connection(s)`;
    case 'restart':
      return `asked ${await sim.restartRequired(phone)} connection(s) to restart`;
    case 'drop':
      return `dropped ${sim.drop(phone)} connection(s)`;
    case 'silence':
      return `silenced ${sim.silence(phone)} connection(s)`;
    case 'flap':
      sim.flap(phone, { everyMs: Number(rest[0] ?? 5000) });
      return `flapping ${phone}`;
    case 'unflap':
      sim.phone(phone).stopFlapping();
      return `stopped flapping ${phone}`;
    case 'phones':
      return sim
        .phoneNumbers()
        .map((n) => `${n} (lid ${sim.phone(n).account.lid}): ${sim.phone(n).connectionCount()} live`)
        .join('\n');
    default:
      return SHELL_HELP;
  }
}
