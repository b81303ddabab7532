// The only change Drin ever makes to Baileys: in tests and local development, trust the local
// WhatsApp simulator's root key instead of WhatsApp's (the config refuses it in production).
import { WA_CERT_DETAILS } from '@whiskeysockets/baileys';

export function trustWhatsAppRoot(rootPublicKeyBase64: string): void {
  const key = Buffer.from(rootPublicKeyBase64, 'base64');
  if (key.length !== 32) throw new Error('WA_SIMULATOR_ROOT_KEY must be a 32-byte key, base64');
  (WA_CERT_DETAILS as { PUBLIC_KEY: Uint8Array }).PUBLIC_KEY = key;
}
