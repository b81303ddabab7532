import { getBinaryNodeChild, getBinaryNodeChildren, jidDecode, type BinaryNode } from '@whiskeysockets/baileys';
import type { SimConnection } from './connection.js';
import type { Phone } from './phone.js';

/**
 * Answers `<iq xmlns=usync>`: device lists, LIDs and "is on WhatsApp" for the users asked about.
 *
 * Every phone number counts as a WhatsApp user (a fake contact is created for it), so the client
 * can message any number, except those the test declared not on WhatsApp (`phone.setNotOnWhatsApp`):
 * they get `contact type=out`, no devices and no LID. For the account's own user only the asking device is listed: the
 * simulator does not fan messages out to the phone or to sibling companions.
 */
export function answerUsync(iq: BinaryNode, connection: SimConnection, phone: Phone): BinaryNode[] {
  const usync = getBinaryNodeChild(iq, 'usync');
  const protocols = (getBinaryNodeChild(usync, 'query')?.content as BinaryNode[] | undefined) ?? [];
  const asked = new Set(protocols.map((p) => p.tag));
  const users = getBinaryNodeChildren(getBinaryNodeChild(usync, 'list'), 'user').map((user) =>
    answerUser(user, asked, connection, phone),
  );
  return [
    {
      tag: 'usync',
      attrs: { ...usync?.attrs, last: 'true', index: '0' },
      content: [
        { tag: 'result', attrs: {}, content: protocols.map((p) => ({ tag: p.tag, attrs: {} })) },
        { tag: 'list', attrs: {}, content: users },
      ],
    },
  ];
}

function answerUser(user: BinaryNode, asked: Set<string>, connection: SimConnection, phone: Phone): BinaryNode {
  const phoneNumber = getBinaryNodeChild(user, 'contact')?.content;
  const jid = user.attrs.jid ?? `${String(phoneNumber ?? '').replace(/\D/g, '')}@s.whatsapp.net`;
  const decoded = jidDecode(jid);
  const isLid = decoded?.server === 'lid';
  const account = phone.account;
  const isOwnUser = decoded?.user === account.pn || decoded?.user === account.lid;
  const unregistered = !isLid && !isOwnUser && !phone.isOnWhatsApp(decoded?.user ?? '');
  const contact = isOwnUser || unregistered ? undefined : isLid ? phone.findContact(jid) : phone.contact(jid);
  const content: BinaryNode[] = [];
  if (asked.has('devices')) {
    const own = connection.device!;
    const devices = isOwnUser
      ? [{ tag: 'device', attrs: { id: `${own.id}`, 'key-index': `${own.keyIndex}` } }]
      : contact
        ? [{ tag: 'device', attrs: { id: '0' } }]
        : [];
    content.push({ tag: 'devices', attrs: {}, content: [{ tag: 'device-list', attrs: {}, content: devices }] });
  }
  if (asked.has('lid') && contact && !isLid && contact.identity !== 'pn-only') content.push({ tag: 'lid', attrs: { val: contact.lidJid } });
  if (asked.has('contact')) content.push({ tag: 'contact', attrs: { type: contact || isOwnUser ? 'in' : 'out' } });
  return { tag: 'user', attrs: { jid }, content };
}
