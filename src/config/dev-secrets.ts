// Outside production a new user should get a working daemon with no setup, so the admin key and
// the secrets key are generated on first start and kept under the data folder (mode 0600).
// Production refuses to start without them (see config.ts).
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
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

  const file = path.resolve(input.dataDir, 'dev-secrets.json');
  let stored: DevSecrets | undefined;
  try {
    stored = ZDevSecrets.parse(JSON.parse(await readFile(file, 'utf8')));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`${file} is unreadable or malformed; fix or delete it`, { cause: err });
  }
  const generated = !stored;
  stored ??= { adminApiKey: `drin_admin_${randomBytes(24).toString('base64url')}`, secretsKey: randomBytes(32).toString('base64url') };
  if (generated) {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, JSON.stringify(stored, null, 2), { mode: 0o600 });
  }
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
