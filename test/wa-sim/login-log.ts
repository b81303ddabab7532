// Every successful login the simulator accepted, for benchmarks and tests that ask how fast a
// fleet of clients came back (logins per second) and whether a device was ever open twice.

export interface Login {
  /** the phone number the device belongs to */
  phone: string;
  device: number;
  /** Date.now() when the server answered `<success>` */
  at: number;
  /**
   * Another connection of this same device was still open when this one logged in (the server
   * then replaces it with 440): two clients ran the device at once. A reconnect after the old
   * socket closed is not one.
   */
  doubleOpen: boolean;
}

export class LoginLog {
  private readonly entries: Login[] = [];

  record(login: Login): void {
    this.entries.push(login);
  }

  /** Logins so far, oldest first; `since` (a Date.now() value) keeps only those at or after it. */
  logins({ since = 0 }: { since?: number } = {}): Login[] {
    return this.entries.filter((l) => l.at >= since);
  }

  /** Logins that found the same device still open on another connection. */
  doubleOpens({ since = 0 }: { since?: number } = {}): number {
    return this.logins({ since }).filter((l) => l.doubleOpen).length;
  }
}

/** The most logins in any window of `windowMs` (sliding, not aligned to clock seconds). */
export function peakLogins(logins: readonly Login[], windowMs = 1_000): number {
  return peakInWindow(logins.map((l) => l.at), windowMs);
}

/** The most instants (Date.now() values) in any window of `windowMs` (sliding). */
export function peakInWindow(instants: readonly number[], windowMs = 1_000): number {
  const times = [...instants].sort((a, b) => a - b);
  let peak = 0;
  for (let first = 0, last = 0; last < times.length; last++) {
    while (times[last]! - times[first]! >= windowMs) first++;
    peak = Math.max(peak, last - first + 1);
  }
  return peak;
}
