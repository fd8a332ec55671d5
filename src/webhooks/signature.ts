import { createPublicKey, createVerify, type KeyObject, verify } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { SignatureKind } from '../installations/tables.js';

export interface WebhookKeys {
  ed25519: KeyObject;
  /** null: the operator turned RSA off (GHL_WEBHOOK_RSA_PUBLIC_KEY=off); a legacy signature alone is refused. */
  rsa: KeyObject | null;
}

export function webhookKeys(pems: {
  webhookEd25519PublicKey: string;
  webhookRsaPublicKey: string | null;
}): WebhookKeys {
  const rsa = pems.webhookRsaPublicKey === null ? null : createPublicKey(pems.webhookRsaPublicKey);
  return { ed25519: createPublicKey(pems.webhookEd25519PublicKey), rsa };
}

function headerOf(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s.trim() === '' ? undefined : s.trim();
}

/**
 * Which signature vouches for these exact bytes, or null. GHL's order (docs/ghl-webhooks.md, signatures): when `x-ghl-signature`
 * (Ed25519) is present it alone decides, so a request cannot downgrade to the legacy RSA header by spoiling the
 * new one; only without it does `x-wh-signature` (RSA-SHA256, PKCS#1 v1.5) decide.
 */
export function verifyWebhookSignature(
  raw: Buffer,
  headers: IncomingHttpHeaders,
  keys: WebhookKeys,
): SignatureKind | null {
  const ed = headerOf(headers, 'x-ghl-signature');
  if (ed !== undefined) {
    try {
      return verify(null, raw, keys.ed25519, Buffer.from(ed, 'base64')) ? 'ed25519' : null;
    } catch {
      return null;
    }
  }
  const rsa = headerOf(headers, 'x-wh-signature');
  if (rsa !== undefined && keys.rsa !== null) {
    try {
      return createVerify('sha256').update(raw).verify(keys.rsa, rsa, 'base64') ? 'rsa' : null;
    } catch {
      return null;
    }
  }
  return null;
}
