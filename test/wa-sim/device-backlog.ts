import type { BinaryNode } from '@whiskeysockets/baileys';

interface Owed {
  stanza: BinaryNode;
  /** a message stays owed until the device receipts it; anything else only until it is sent */
  awaitsReceipt: boolean;
}

/**
 * What the server still owes one linked device, in the order it arose. WhatsApp keeps a message
 * for a device until that device's delivery receipt arrives, and pushes every unreceipted one
 * again (marked `offline`) on the device's next login: a client that died between receiving a
 * message and receipting it gets it once more. Other stanzas (receipts of the contacts) wait only
 * while the device is away.
 */
export class DeviceBacklog {
  private owed: Owed[] = [];

  /** Remembers a stanza; `sentNow` says it already went to a live connection. */
  add(stanza: BinaryNode, { sentNow }: { sentNow: boolean }): void {
    const awaitsReceipt = stanza.tag === 'message';
    if (sentNow && !awaitsReceipt) return;
    this.owed.push({ stanza, awaitsReceipt });
  }

  /** Everything to push at login, in order; after this only the unreceipted messages remain. */
  takeForLogin(): BinaryNode[] {
    const stanzas = this.owed.map((o) => o.stanza);
    this.owed = this.owed.filter((o) => o.awaitsReceipt);
    return stanzas;
  }

  /** The device receipted these message ids: they are delivered and never pushed again. */
  receipted(ids: Iterable<string>): void {
    const done = new Set(ids);
    this.owed = this.owed.filter((o) => !(o.awaitsReceipt && done.has(o.stanza.attrs.id ?? '')));
  }

  /** Ids of the messages the device has not receipted yet. */
  unreceiptedIds(): string[] {
    return this.owed.filter((o) => o.awaitsReceipt).map((o) => o.stanza.attrs.id ?? '');
  }
}
