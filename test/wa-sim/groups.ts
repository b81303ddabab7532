import { randomInt } from 'node:crypto';
import type { BinaryNode, proto } from '@whiskeysockets/baileys';
import type { Addressing } from './contact-stanzas.js';
import type { FakeContact, SendOptions } from './fake-contact.js';
import type { Phone } from './phone.js';

export interface GroupOptions {
  subject?: string;
  /** the fake contacts in the group besides the phone's own account; the first one created it */
  participants: FakeContact[];
  /** how the group's stanzas name their authors; WhatsApp's groups are LID-addressed now */
  addressing?: Addressing;
}

/**
 * A WhatsApp group the simulated phone is a member of, with fake contacts as the other
 * participants. They write to it with sender keys (see FakeContact.sendGroupMessage); the client
 * can read its metadata (`w:g2`).
 */
export class SimGroup {
  readonly id = `120363${randomInt(100_000_000, 999_999_999)}${randomInt(100, 999)}`;
  readonly creation = Math.floor(Date.now() / 1000);
  readonly subject: string;
  readonly addressing: Addressing;
  readonly participants: FakeContact[];

  constructor(
    readonly phone: Phone,
    { subject = 'Sim group', participants, addressing = 'lid' }: GroupOptions,
  ) {
    if (!participants.length) throw new Error('a group needs at least one fake contact');
    this.subject = subject;
    this.addressing = addressing;
    this.participants = participants;
  }

  get jid(): string {
    return `${this.id}@g.us`;
  }

  /** `from` (a participant) writes a text to the group; resolves with the message id. */
  sendText(from: FakeContact, text: string, options: Pick<SendOptions, 'id'> = {}): Promise<string> {
    return this.send(from, { conversation: text }, options);
  }

  send(from: FakeContact, message: proto.IMessage, options: Pick<SendOptions, 'id'> = {}): Promise<string> {
    if (!this.participants.includes(from)) throw new Error(`contact ${from.pn} is not in group ${this.jid}`);
    return from.sendGroupMessage(this, message, options);
  }

  /** The `<group>` node of a `w:g2` metadata answer, as Baileys' extractGroupMetadata reads it. */
  metadataNode(): BinaryNode {
    const creator = this.participants[0]!;
    const member = (jid: { lidJid: string; pnJid: string; identity?: string }, admin?: string): BinaryNode => {
      const attrs: Record<string, string> =
        this.addressing === 'lid'
          ? { jid: jid.lidJid, ...(jid.identity === 'lid-only' ? {} : { phone_number: jid.pnJid }) }
          : { jid: jid.pnJid, ...(jid.identity === 'pn-only' ? {} : { lid: jid.lidJid }) };
      return { tag: 'participant', attrs: { ...attrs, ...(admin ? { type: admin } : {}) } };
    };
    const creatorJid = this.addressing === 'lid' ? creator.lidJid : creator.pnJid;
    return {
      tag: 'group',
      attrs: {
        id: this.id,
        subject: this.subject,
        s_t: `${this.creation}`,
        s_o: creatorJid,
        creation: `${this.creation}`,
        creator: creatorJid,
        addressing_mode: this.addressing,
        size: `${this.participants.length + 1}`,
      },
      content: [
        ...this.participants.map((p, i) => member(p, i === 0 ? 'superadmin' : undefined)),
        member({ lidJid: this.phone.lidJid, pnJid: this.phone.pnJid }),
      ],
    };
  }
}

/** `<iq xmlns="w:g2">`: one group's metadata, or every group the phone is in. */
export function answerGroupIq(iq: BinaryNode, groups: SimGroup[]): BinaryNode[] | { error: BinaryNode } {
  const child = Array.isArray(iq.content) ? iq.content[0]?.tag : undefined;
  if (child === 'participating') {
    return [{ tag: 'groups', attrs: {}, content: groups.map((g) => g.metadataNode()) }];
  }
  if (child === 'query') {
    const group = groups.find((g) => g.jid === iq.attrs.to);
    return group ? [group.metadataNode()] : { error: { tag: 'error', attrs: { code: '404', text: 'item-not-found' } } };
  }
  // writes (subject, participants, settings…) are not modelled
  return { error: { tag: 'error', attrs: { code: '501', text: 'feature-not-implemented' } } };
}
