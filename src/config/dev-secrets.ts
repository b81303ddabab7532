// Outside production a new user should get a working daemon with no setup, so the admin key and
// the secrets key are generated on first start and kept under the data folder: the file 0600, the
// folder 0700 (it holds the embedded database too). Production refuses to start without them
// (see config.ts).
import { randomBytes } from 'node:crypto';
import { chmod, link, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { createKeyring, type Keyring, type VersionedSecret } from '../security/secret-box.js';

const ZDevSecrets = z.object({ adminApiKey: z.string().min(24), secretsKey: z.string().min(32) });
type DevSecrets = z.infer<typeof ZDevSecrets>;

export interface ResolvedSecrets {
  adminApiKey: string;
  secretsKey: string;
  /** The AES keys for secrets at rest: secretsKey at its version, plus SECRETS_KEY_PREVIOUS. */
  keyring: Keyring;
  /**
   * What the API-key pepper is derived from: API_KEY_PEPPER, else secretsKey. Kept apart so that
   * rotating SECRETS_KEY does not change the pepper (config refuses version > 1 without it).
   */
  apiKeyPepperSecret: string;
  /** Set when the admin key was generated just now: the one time it is shown. */
  generatedAdminKey?: string;
  file?: string;
}

export function devSecretsFile(dataDir: string): string {
  return path.resolve(dataDir, 'dev-secrets.json');
}

/** Drops group and other permissions; a file copied in with `cp` or an old 0755 folder is fixed too. */
async function ownerOnly(target: string, mode: number): Promise<void> {
  const current = (await stat(target)).mode & 0o777;
  if (current & 0o077) await chmod(target, mode);
}

async function readStored(file: string): Promise<DevSecrets | undefined> {
  try {
    return ZDevSecrets.parse(JSON.parse(await readFile(file, 'utf8')));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new Error(`${file} is unreadable or malformed; fix or delete it`, { cause: err });
  }
}

/**
 * Creates the file only if it is still missing, complete or not at all: written aside, then
 * hard-linked into place (which fails when the name exists), so a CLI and a daemon starting
 * together agree on one key and neither reads a half-written file.
 */
async function createStored(file: string): Promise<DevSecrets | undefined> {
  const fresh = { adminApiKey: `drin_admin_${randomBytes(24).toString('base64url')}`, secretsKey: randomBytes(32).toString('base64url') };
  const aside = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(aside, JSON.stringify(fresh, null, 2), { mode: 0o600, flag: 'wx' });
  try {
    await link(aside, file);
    return fresh;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw err;
  } finally {
    await rm(aside, { force: true });
  }
}

export interface SecretsInput {
  adminApiKey: string | undefined;
  secretsKey: string | undefined;
  dataDir: string;
  secretsKeyVersion?: number;
  secretsKeyPrevious?: VersionedSecret[];
  apiKeyPepper?: string | undefined;
}

export async function resolveSecrets(input: SecretsInput): Promise<ResolvedSecrets> {
  if (input.adminApiKey && input.secretsKey) return { adminApiKey: input.adminApiKey, ...secretsKeys(input, input.secretsKey) };

  const file = devSecretsFile(input.dataDir);
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  await ownerOnly(path.dirname(file), 0o700);
  let stored = await readStored(file);
  const generated = stored ? undefined : await createStored(file);
  stored ??= generated ?? (await readStored(file));
  if (!stored) throw new Error(`${file} vanished while it was being created; start again`);
  await ownerOnly(file, 0o600);

  const adminApiKey = input.adminApiKey ?? stored.adminApiKey;
  return {
    adminApiKey,
    ...secretsKeys(input, input.secretsKey ?? stored.secretsKey),
    generatedAdminKey: generated && !input.adminApiKey ? adminApiKey : undefined,
    file,
  };
}

function secretsKeys(input: SecretsInput, secretsKey: string): Pick<ResolvedSecrets, 'secretsKey' | 'keyring' | 'apiKeyPepperSecret'> {
  return {
    secretsKey,
    keyring: createKeyring({ version: input.secretsKeyVersion ?? 1, secret: secretsKey }, input.secretsKeyPrevious ?? []),
    apiKeyPepperSecret: input.apiKeyPepper ?? secretsKey,
  };
}
