import type { BinaryNode, proto } from '@whiskeysockets/baileys';
import type { SimConnection } from './connection.js';

/**
 * Server-driven disconnects and the close code Baileys reports for each
 * (`lastDisconnect.error.output.statusCode`).
 */
export const STREAM_ERRORS = {
  /** 401 loggedOut: the phone removed this linked device */
  loggedOut: {
    tag: 'stream:error',
    attrs: { code: '401' },
    content: [{ tag: 'conflict', attrs: { type: 'device_removed' } }],
  },
  /** 440 connectionReplaced: another connection logged in as the same device */
  replaced: { tag: 'stream:error', attrs: {}, content: [{ tag: 'conflict', attrs: { type: 'replaced' } }] },
  /** 515 restartRequired: sent after pairing, and by WhatsApp from time to time */
  restartRequired: { tag: 'stream:error', attrs: { code: '515' } },
} satisfies Record<string, BinaryNode>;

/** `<failure reason=401>`: the answer to a login whose device the server does not know. */
export const LOGIN_REFUSED: BinaryNode = { tag: 'failure', attrs: { reason: '401', location: 'sim' } };

/**
 * `<failure reason=405>`: WhatsApp's answer, right after the handshake, to a client announcing a
 * WhatsApp Web version it no longer accepts ("client outdated"); Baileys closes with 405.
 */
export const CLIENT_OUTDATED: BinaryNode = { tag: 'failure', attrs: { reason: '405', location: 'sim' } };

export type ClientVersion = [number, number, number];

/** The version a client announced in its ClientPayload (`userAgent.appVersion`). */
export function announcedVersion(payload: proto.IClientPayload): ClientVersion {
  const v = payload.userAgent?.appVersion;
  return [v?.primary ?? 0, v?.secondary ?? 0, v?.tertiary ?? 0];
}

export function isOlder(version: ClientVersion, than: ClientVersion): boolean {
  for (let i = 0; i < 3; i++) if (version[i] !== than[i]) return version[i]! < than[i]!;
  return false;
}

export async function endWithStreamError(connections: Iterable<SimConnection>, error: BinaryNode): Promise<number> {
  const ending = [...connections].map((connection) => connection.endWithStreamError(error));
  await Promise.all(ending);
  return ending.length;
}

/** 428 connectionClosed: the socket goes away without a word, like a network failure. */
export function dropAll(connections: Iterable<SimConnection>): number {
  let count = 0;
  for (const connection of connections) {
    connection.drop();
    count++;
  }
  return count;
}

/**
 * 408 timedOut: the server stops reading and writing, so the client's keepalive gets no answer;
 * Baileys gives up after keepAliveIntervalMs + 5 s.
 */
export function silenceAll(connections: Iterable<SimConnection>): number {
  let count = 0;
  for (const connection of connections) {
    connection.silenced = true;
    count++;
  }
  return count;
}

export interface Flapping {
  stop(): void;
}

/** Drops whatever connections are live every `everyMs`, until stopped. */
export function startFlapping(liveConnections: () => Iterable<SimConnection>, everyMs: number): Flapping {
  const timer = setInterval(() => dropAll(liveConnections()), everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
