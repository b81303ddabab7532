import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { devSecretsFile, resolveSecrets } from './dev-secrets.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'drin-dev-secrets-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const modeOf = async (p: string) => (await stat(p)).mode & 0o777;

describe('resolveSecrets', () => {
  it('uses the configured keys and writes nothing when both are set', async () => {
    const dataDir = path.join(root, 'data');
    const secrets = await resolveSecrets({ adminApiKey: 'a'.repeat(24), secretsKey: 's'.repeat(32), dataDir });
    expect(secrets).toMatchObject({ adminApiKey: 'a'.repeat(24), secretsKey: 's'.repeat(32), apiKeyPepperSecret: 's'.repeat(32), keyring: { currentVersion: 1 } });
    expect(secrets.generatedAdminKey).toBeUndefined();
    expect(secrets.file).toBeUndefined();
    await expect(stat(dataDir)).rejects.toThrow();
  });

  it('generates the keys once, into a 0600 file in a 0700 folder, and reports the key only that time', async () => {
    const dataDir = path.join(root, 'data');
    const first = await resolveSecrets({ adminApiKey: undefined, secretsKey: undefined, dataDir });
    expect(first.generatedAdminKey).toMatch(/^drin_admin_/);
    expect(first.file).toBe(devSecretsFile(dataDir));
    expect(await modeOf(first.file!)).toBe(0o600);
    expect(await modeOf(dataDir)).toBe(0o700);
    expect(JSON.parse(await readFile(first.file!, 'utf8')).adminApiKey).toBe(first.generatedAdminKey);

    const second = await resolveSecrets({ adminApiKey: undefined, secretsKey: undefined, dataDir });
    expect(second.generatedAdminKey).toBeUndefined();
    expect(second.adminApiKey).toBe(first.adminApiKey);
    expect(second.secretsKey).toBe(first.secretsKey);
  });

  it('restricts an existing world-readable data folder and secrets file to their owner', async () => {
    const dataDir = path.join(root, 'data');
    await mkdir(dataDir);
    await chmod(dataDir, 0o755);
    const file = devSecretsFile(dataDir);
    await writeFile(file, JSON.stringify({ adminApiKey: 'a'.repeat(24), secretsKey: 's'.repeat(32) }));
    await chmod(file, 0o644);
    const secrets = await resolveSecrets({ adminApiKey: undefined, secretsKey: undefined, dataDir });
    expect(secrets.adminApiKey).toBe('a'.repeat(24));
    expect(await modeOf(file)).toBe(0o600);
    expect(await modeOf(dataDir)).toBe(0o700);
  });

  it('two starts at once agree on one key', async () => {
    const dataDir = path.join(root, 'data');
    const both = await Promise.all([1, 2].map(() => resolveSecrets({ adminApiKey: undefined, secretsKey: undefined, dataDir })));
    expect(both[0]!.adminApiKey).toBe(both[1]!.adminApiKey);
    expect(both.filter((s) => s.generatedAdminKey)).toHaveLength(1);
  });
});
