// A LID-only stanza (no sender_pn / participant_pn) names a person Baileys may already know by
// number: its LID↔PN mapping (learned from earlier stanzas, from usync lookups when we wrote to
// the number, from the history's mappings) fills the message's missing other address before
// translation, so storage files it under the contact the number made rather than a second one.
// LID → PN only: that is a cache or key-store read, where PN → LID may ask WhatsApp (usync).
import { isLidUser, type WAMessage, type WASocket } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';

type LidMapping = Pick<WASocket['signalRepository']['lidMapping'], 'getPNForLID'>;

interface Missing {
  lid: string;
  field: 'remoteJidAlt' | 'participantAlt';
}

/** The LID a message names its person by without the number beside it, if any. */
function lidWithoutPn(m: WAMessage): Missing | null {
  const key = m.key;
  if (!key?.remoteJid) return null;
  if (key.remoteJid.endsWith('@g.us')) {
    return key.participant && isLidUser(key.participant) && !key.participantAlt ? { lid: key.participant, field: 'participantAlt' } : null;
  }
  return isLidUser(key.remoteJid) && !key.remoteJidAlt ? { lid: key.remoteJid, field: 'remoteJidAlt' } : null;
}

/**
 * Hands a socket's upserted messages on in Baileys' order, each with its known number filled in.
 * A message needing no lookup goes on at once unless one still waits for its lookup (order first).
 */
export class KnownAddresses {
  private chain: Promise<void> = Promise.resolve();
  private waiting = 0;

  constructor(
    private readonly mapping: LidMapping,
    private readonly log: Logger,
  ) {}

  pass(m: WAMessage, handle: (m: WAMessage) => void): void {
    const missing = lidWithoutPn(m);
    if (!missing && this.waiting === 0) return handle(m);
    this.waiting++;
    this.chain = this.chain
      .then(async () => handle(missing ? await this.withPn(m, missing) : m))
      .catch((err: unknown) => this.log.error({ err }, 'handing on an upserted message failed'))
      .finally(() => this.waiting--);
  }

  private async withPn(m: WAMessage, missing: Missing): Promise<WAMessage> {
    const pn = await this.mapping.getPNForLID(missing.lid).catch((err: unknown) => {
      this.log.warn({ err }, 'could not read the LID mapping; the message keeps its LID only');
      return null;
    });
    return pn ? { ...m, key: { ...m.key, [missing.field]: pn } } : m;
  }
}
