// When each text reached its simulator contact: the instant the contact, having decrypted it,
// files it in its inbox. Every text a bench sends is unique, so the text names the message.
import type { FakeContact } from '../test/wa-sim/index.js';

export const epochMs = (): number => performance.timeOrigin + performance.now();

export class Arrivals {
  private readonly at = new Map<string, number>();
  private readonly waiters = new Set<() => void>();

  /** From now on, notes the time of every message this contact decrypts (the inbox still gets it). */
  watch(contact: FakeContact): void {
    const inbox = contact.inbox;
    const push = inbox.push.bind(inbox);
    inbox.push = (m) => {
      this.at.set(m.text, epochMs());
      for (const w of this.waiters) w();
      push(m);
    };
  }

  /** The arrival time of each text, once all of them arrived; fails after `timeoutMs` naming what is missing. */
  waitFor(texts: string[], timeoutMs: number): Promise<Map<string, number>> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!texts.every((t) => this.at.has(t))) return false;
        done();
        resolve(new Map(texts.map((t) => [t, this.at.get(t)!])));
        return true;
      };
      const timer = setTimeout(() => {
        done();
        const missing = texts.filter((t) => !this.at.has(t));
        reject(new Error(`${missing.length} of ${texts.length} messages never reached their contact in ${timeoutMs} ms, e.g. "${missing[0]}"`));
      }, timeoutMs);
      const done = () => (clearTimeout(timer), this.waiters.delete(check));
      if (!check()) this.waiters.add(check);
    });
  }
}
