import type { BinaryNode } from '@whiskeysockets/baileys';
import type { Logger } from 'pino';
import { digitsOnly, type Account, type AccountRegistry } from './accounts.js';
import type { SimConnection } from './connection.js';
import { pollUntil, withDeadline } from './deadline.js';
import { iqResult } from './iq-handlers.js';
import { isLinkCodeStage, CodePairing } from './pairing-code.js';
import { linkDevice, newQrRef, pairDeviceIq, parseQr } from './pairing.js';
import type { Phone } from './phone.js';

/**
 * Connections that registered instead of logging in (fresh creds): hands out QR refs, and links
 * them to a phone when a test scans a QR or types a pairing code.
 */
export class DeviceLinking {
  private readonly qrRefs = new Map<string, SimConnection>();
  private readonly codePairings = new Map<string, CodePairing>();

  constructor(
    private readonly registry: AccountRegistry,
    private readonly phoneFor: (account: Account) => Phone,
    private readonly qrRefCount: number,
    private readonly log: Logger,
  ) {}

  offerQrCodes(connection: SimConnection): void {
    const refs = Array.from({ length: this.qrRefCount }, newQrRef);
    for (const ref of refs) this.qrRefs.set(ref, connection);
    connection.sendNode(pairDeviceIq(connection, refs));
  }

  /** The phone `phone` scans `qr` (the string Baileys emitted); resolves once the 515 was sent. */
  async scanQr(qr: string, phone: string, timeoutMs: number): Promise<Phone> {
    const scanned = parseQr(qr);
    const connection = this.qrRefs.get(scanned.ref);
    if (!connection?.isOpen) throw new Error('this QR is unknown or expired (its connection is gone)');
    const registration = connection.payload?.devicePairingData;
    if (
      !connection.clientStaticPublic?.equals(scanned.noisePublic) ||
      !Buffer.from(registration?.eIdent ?? []).equals(scanned.identityPublic)
    ) {
      throw new Error('the QR keys do not match the connection that showed it');
    }
    this.forget(connection);
    const account = this.registry.getOrCreate(phone);
    const linking = linkDevice(connection, account, this.registry, scanned.advSecret, timeoutMs);
    await withDeadline(linking, timeoutMs, `linking ${phone} by QR`);
    return this.phoneFor(account);
  }

  /** The user of `phone` types `code`; resolves once linked, rejects on a wrong code. */
  async enterPairingCode(phone: Phone, code: string, timeoutMs: number): Promise<void> {
    const pairing = await pollUntil(() => this.codePairings.get(phone.number), `a pairing code request for ${phone.number}`, {
      timeoutMs,
    });
    pairing.connection.sendNode(await pairing.primaryHello(code.replace(/-/g, '').toUpperCase(), phone.account));
    await withDeadline(pairing.outcome, timeoutMs, `linking ${phone.number} by pairing code`);
  }

  /** Stanzas from a connection that is not logged in: pings, pair-device answers, link codes. */
  handleNode(connection: SimConnection, node: BinaryNode): void {
    if (node.tag !== 'iq' || (node.attrs.type !== 'get' && node.attrs.type !== 'set')) return;
    const hello = isLinkCodeStage(node, 'companion_hello');
    const finish = isLinkCodeStage(node, 'companion_finish');
    if (hello) return this.onCompanionHello(connection, node, hello);
    if (finish) return this.onCompanionFinish(connection, node, finish);
    connection.sendNode(iqResult(node));
  }

  forget(connection: SimConnection): void {
    for (const [ref, owner] of this.qrRefs) if (owner === connection) this.qrRefs.delete(ref);
    for (const [phone, pairing] of this.codePairings) {
      if (pairing.connection === connection) this.codePairings.delete(phone);
    }
  }

  private onCompanionHello(connection: SimConnection, iq: BinaryNode, registration: BinaryNode): void {
    const pairing = CodePairing.fromCompanionHello(connection, registration);
    this.codePairings.set(digitsOnly(pairing.phone), pairing);
    const ref: BinaryNode = { tag: 'link_code_pairing_ref', attrs: {}, content: Buffer.from(pairing.ref) };
    connection.sendNode(iqResult(iq, [{ tag: 'link_code_companion_reg', attrs: {}, content: [ref] }]));
  }

  private onCompanionFinish(connection: SimConnection, iq: BinaryNode, registration: BinaryNode): void {
    const pairing = [...this.codePairings.values()].find((p) => p.connection === connection);
    const account = pairing && this.registry.find(pairing.phone);
    const identity = Buffer.from(connection.payload?.devicePairingData?.eIdent ?? []);
    let advSecret: Buffer;
    try {
      if (!pairing || !account) throw new Error('companion_finish before the phone entered a code');
      advSecret = pairing.advSecretFromCompanionFinish(registration, account, identity);
    } catch (error) {
      this.log.info({ err: error }, 'pairing code refused');
      const refusal: BinaryNode = { tag: 'error', attrs: { code: '401', text: 'not-authorized' } };
      connection.sendNode({ ...iqResult(iq, [refusal]), attrs: { ...iqResult(iq).attrs, type: 'error' } });
      pairing?.settle.failed(error as Error);
      return;
    }
    connection.sendNode(iqResult(iq));
    this.forget(connection);
    // not awaited: linking waits for the client's answer, which arrives on this same connection
    linkDevice(connection, account, this.registry, advSecret).then(
      () => pairing.settle.linked(),
      (error: Error) => pairing.settle.failed(error),
    );
  }
}
