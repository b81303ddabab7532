// Subscriber: keeps session_slots in step with the session events, one write at a time per slot
// so a late write can never overwrite a newer status. After each write it tells `onChanged`
// (the live feed) directly, so a process hears its own changes even where NOTIFY does not
// reach it (the embedded database).
import type { Logger } from 'pino';
import type { SlotRef } from '../../events/domain-events.js';
import type { DomainEventBus } from '../../events/event-bus.js';
import type { SlotsRepo } from './slots.repo.js';

export class SlotStateRecorder {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly unsubscribe: Array<() => void>;

  constructor(
    bus: DomainEventBus,
    private readonly repo: SlotsRepo,
    private readonly log: Logger,
    private readonly onChanged: (ref: SlotRef) => void,
  ) {
    this.unsubscribe = [
      bus.on('session.status', 'slot-state', (e) => {
        if (e.status === 'qrcode') return undefined; // the QR event carries it, with the code itself
        const patch = { status: e.status, phone: e.phone, jidPn: e.jidPn, jidLid: e.jidLid, pushName: e.pushName, lastError: e.lastError };
        return this.inOrder(e, () => repo.recordStatus(e, patch));
      }, { durable: true }),
      bus.on('session.qr', 'slot-state', (e) =>
        this.inOrder({ storeId: e.storeId, slot: e.slot }, () => repo.recordQr(e, { raw: e.qr, dataUrl: e.qrDataUrl, expiresAt: e.expiresAt })),
        { durable: true },
      ),
    ];
  }

  /** Resolves when every write queued so far has landed (shutdown, tests). */
  async drain(): Promise<void> {
    while (this.chains.size) await Promise.all([...this.chains.values()]);
  }

  close(): void {
    for (const off of this.unsubscribe) off();
  }

  private inOrder(ref: SlotRef, write: () => Promise<void>): Promise<void> {
    const key = `${ref.storeId}:${ref.slot}`;
    const next = (this.chains.get(key) ?? Promise.resolve())
      .then(write)
      .then(() => this.onChanged({ storeId: ref.storeId, slot: ref.slot }))
      .catch((err: unknown) => this.log.error({ err, ...ref }, 'recording slot state failed'));
    this.chains.set(key, next);
    void next.finally(() => {
      if (this.chains.get(key) === next) this.chains.delete(key);
    });
    return next;
  }
}
