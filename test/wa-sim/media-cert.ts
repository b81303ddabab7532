import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

/** The hosts WhatsApp's media URLs name; the media host's certificate is valid for all of them. */
export const MEDIA_CERT_NAMES = ['mmg.whatsapp.net', '*.whatsapp.net', '*.cdn.whatsapp.net', 'localhost'];

export interface SelfSignedCert {
  certPem: string;
  keyPem: string;
}

/**
 * A fresh self-signed certificate (P-256, one day) for the loopback media host, made with the
 * `openssl` CLI: Node has no certificate generator, and neither `selfsigned` nor `node-forge` is
 * installed. Valid for WhatsApp's media host names and 127.0.0.1, so a client that trusts it
 * verifies the host by name exactly as it would verify WhatsApp's.
 */
export async function makeSelfSignedCert(): Promise<SelfSignedCert> {
  const dir = await mkdtemp(join(tmpdir(), 'wa-sim-media-'));
  try {
    const altNames = [...MEDIA_CERT_NAMES.map((n) => `DNS:${n}`), 'IP:127.0.0.1'].join(',');
    await promisify(execFile)('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-days', '1', '-subj', '/CN=wa-sim media host', '-addext', `subjectAltName=${altNames}`,
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ]);
    const [certPem, keyPem] = await Promise.all([readFile(join(dir, 'cert.pem'), 'utf8'), readFile(join(dir, 'key.pem'), 'utf8')]);
    return { certPem, keyPem };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
