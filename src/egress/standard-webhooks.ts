// Signing what we POST, and checking what is POSTed to us, the Standard Webhooks way
// (standardwebhooks.com): webhook-id, webhook-timestamp and webhook-signature over the raw body,
// keyed by a whsec_ secret, so a receiver verifies with the library in its own language.
import { randomBytes } from 'node:crypto';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import { lastFour } from '../security/secrets.js';

/** A fresh secret: 32 random bytes, whsec_<base64>. */
export function newSigningSecret(): { secret: string; last4: string } {
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  return { secret, last4: lastFour(secret) };
}

/** The three Standard Webhooks headers of a body we send. */
export function signedHeaders(secret: string, webhookId: string, body: string, at = new Date()): Record<string, string> {
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(webhookId, at, body),
  };
}

/**
 * True when the headers sign `body` with `secret` and the timestamp is within five minutes
 * (the library's tolerance, both ways). Any other failure of the library is a bug, rethrown.
 */
export function isSignedBy(secret: string, body: string, headers: Record<string, string | undefined>): boolean {
  const given = { 'webhook-id': headers['webhook-id'] ?? '', 'webhook-timestamp': headers['webhook-timestamp'] ?? '', 'webhook-signature': headers['webhook-signature'] ?? '' };
  try {
    new Webhook(secret).verify(body, given, { jsonParse: false });
    return true;
  } catch (err) {
    if (err instanceof WebhookVerificationError) return false;
    throw err;
  }
}
