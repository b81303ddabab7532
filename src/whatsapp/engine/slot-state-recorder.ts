// Durable subscriber: keeps session_slots in step with the session events. The bus delivers a
// slot's events one at a time, in order, so a late write can never overwrite a newer status.
// After each write it tells `onChanged` (the live feed) directly: a process hears its own
// changes once, from here, and other processes' from their NOTIFY (which names its origin, so
// the feed never hears one change twice). Each write commits with its event's webhook deliveries.
import type { Logger } from 'pino';
import type { DomainEventBus } from '../../events/event-bus.js';
import { toSlotRef, type SlotRef } from '../../kernel/index.js';
import type { SlotsRepo } from './slots.repo.js';

export class SlotStateRecorder {
  private readonly unsubscribe: Array<() => void>;

  constructor(
    bus: DomainEventBus,
    private readonly repo: SlotsRepo,
    private readonly log: Logger,
    private readonly onChanged: (ref: SlotRef) => void,
  ) {
    this.unsubscribe = [
      bus.on(
        'session.status',
        'slot-state',
        async (e) => {
          if (e.status === 'qrcode') return; // the QR event carries it, with the code itself
          const patch = { status: e.status, phone: e.phone, jidPn: e.jidPn, jidLid: e.jidLid, pushName: e.pushName, lastError: e.lastError };
          await this.record(e, () => repo.recordStatus(e, patch, [{ type: 'session.status', event: e }]));
        },
        { durable: true },
      ),
      bus.on(
        'session.qr',
        'slot-state',
        (e) => this.record(e, () => repo.recordQr(e, { raw: e.qr, dataUrl: e.qrDataUrl, expiresAt: e.expiresAt }, [{ type: 'session.qr', event: e }])),
        { durable: true },
      ),
    ];
  }

  close(): void {
    for (const off of this.unsubscribe) off();
  }

  private async record(ref: SlotRef, write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (err) {
      this.log.error({ err, ...toSlotRef(ref) }, 'recording slot state failed');
      return;
    }
    this.onChanged(toSlotRef(ref));
  }
}
