import { randomInt } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { BufferJSON, Curve, type KeyPair } from '@whiskeysockets/baileys';

/** One-time pre-key a linked device uploaded; the server hands each out once. */
export interface UploadedPreKey {
  id: number;
  public: Buffer;
}

export interface UploadedSignedPreKey {
  id: number;
  public: Buffer;
  signature: Buffer;
}

/** A companion (the Baileys client) linked to a phone, as the server remembers it. */
export interface LinkedDevice {
  id: number;
  keyIndex: number;
  /** creds.noiseKey.public: the login handshake must come from this key */
  noisePublic: Buffer;
  identityPublic: Buffer;
  registrationId: number;
  signedPreKey: UploadedSignedPreKey;
  preKeys: UploadedPreKey[];
  /** the phone sent this device its history (once, at its first login after linking) */
  historySent?: boolean;
}

export const digitsOnly = (phone: string): string => phone.replace(/@.*$/, '').replace(/:.*$/, '').replace(/\D/g, '');

/**
 * A WhatsApp account: the phone number, its LID, the phone's identity key (which signs every
 * linked device, ADV "account signature") and the companions linked to it.
 */
export class Account {
  readonly devices = new Map<number, LinkedDevice>();
  nextDeviceId = 1;
  nextKeyIndex = 1;

  constructor(
    readonly pn: string,
    readonly lid: string,
    readonly identity: KeyPair = Curve.generateKeyPair(),
  ) {}

  get pnJid(): string {
    return `${this.pn}@s.whatsapp.net`;
  }

  get lidJid(): string {
    return `${this.lid}@lid`;
  }

  devicePnJid(deviceId: number): string {
    return `${this.pn}:${deviceId}@s.whatsapp.net`;
  }

  deviceLidJid(deviceId: number): string {
    return `${this.lid}:${deviceId}@lid`;
  }

  /** Reserves the id and key index of the next companion (99 is reserved for hosted devices). */
  reserveDeviceSlot(): { id: number; keyIndex: number } {
    if (this.nextDeviceId === 99) this.nextDeviceId++;
    return { id: this.nextDeviceId++, keyIndex: this.nextKeyIndex++ };
  }
}

interface StateFileContent {
  version: 1;
  rootKeyPair: KeyPair;
  accounts: {
    pn: string;
    lid: string;
    identity: KeyPair;
    nextDeviceId: number;
    nextKeyIndex: number;
    devices: LinkedDevice[];
  }[];
}

/** Every phone the simulator knows, optionally persisted to a JSON state file. */
export class AccountRegistry {
  private readonly byPn = new Map<string, Account>();
  private readonly byLid = new Map<string, Account>();
  private saveTimer: NodeJS.Timeout | undefined;

  private constructor(
    readonly rootKeyPair: KeyPair,
    private readonly stateFile: string | undefined,
  ) {}

  /** Loads the state file when it exists; otherwise starts empty with a fresh root key. */
  static open(stateFile?: string): AccountRegistry {
    const saved = stateFile ? readStateFile(stateFile) : undefined;
    const registry = new AccountRegistry(saved?.rootKeyPair ?? Curve.generateKeyPair(), stateFile);
    for (const a of saved?.accounts ?? []) {
      const account = new Account(a.pn, a.lid, a.identity);
      account.nextDeviceId = a.nextDeviceId;
      account.nextKeyIndex = a.nextKeyIndex;
      for (const device of a.devices) account.devices.set(device.id, device);
      registry.add(account);
    }
    return registry;
  }

  find(phoneOrLid: string): Account | undefined {
    const user = digitsOnly(phoneOrLid);
    return phoneOrLid.includes('@lid') ? this.byLid.get(user) : (this.byPn.get(user) ?? this.byLid.get(user));
  }

  getOrCreate(phone: string): Account {
    const pn = digitsOnly(phone);
    if (!pn) throw new Error(`not a phone number: "${phone}"`);
    const existing = this.byPn.get(pn);
    if (existing) return existing;
    const account = new Account(pn, this.newLid());
    this.add(account);
    this.changed();
    return account;
  }

  all(): Account[] {
    return [...this.byPn.values()];
  }

  /** Whether a LID user is taken (accounts and fake contacts share one LID space). */
  isLidTaken(lid: string): boolean {
    return this.byLid.has(lid);
  }

  newLid(): string {
    for (;;) {
      const lid = `${randomInt(10_000, 99_999)}${randomInt(10_000_000, 99_999_999)}`;
      if (!this.byLid.has(lid)) return lid;
    }
  }

  /** Schedules a save of the state file (no-op without one). */
  changed(): void {
    if (!this.stateFile || this.saveTimer) return;
    this.saveTimer = setTimeout(() => this.flush(), 50);
  }

  flush(): void {
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    if (!this.stateFile) return;
    const content: StateFileContent = {
      version: 1,
      rootKeyPair: this.rootKeyPair,
      accounts: this.all().map((a) => ({
        pn: a.pn,
        lid: a.lid,
        identity: a.identity,
        nextDeviceId: a.nextDeviceId,
        nextKeyIndex: a.nextKeyIndex,
        devices: [...a.devices.values()],
      })),
    };
    // write then rename, so a crash never leaves half a state file behind
    const temporary = `${this.stateFile}.tmp`;
    writeFileSync(temporary, JSON.stringify(content, BufferJSON.replacer));
    renameSync(temporary, this.stateFile);
  }

  private add(account: Account): void {
    this.byPn.set(account.pn, account);
    this.byLid.set(account.lid, account);
  }
}

function readStateFile(path: string): StateFileContent | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const content = JSON.parse(text, BufferJSON.reviver) as StateFileContent;
  if (content.version !== 1) throw new Error(`unsupported simulator state file version in ${path}`);
  return content;
}
