import { createPublicKey, type KeyObject, verify } from 'node:crypto';
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
 *
 * Verified on libuv's thread pool (crypto.verify with a callback), not on the event loop: an Ed25519 verify took
 * about 0.2 ms of the loop per webhook on the 2-core bench machine (5% of the service's CPU at 250 missed calls/s,
 * --cpu-prof), time every acknowledgement and job behind it waited.
 */
export function verifyWebhookSignature(
  raw: Buffer,
  headers: IncomingHttpHeaders,
  keys: WebhookKeys,
): Promise<SignatureKind | null> {
  const ed = headerOf(headers, 'x-ghl-signature');
  if (ed !== undefined) return verifiedAs('ed25519', null, raw, keys.ed25519, ed);
  const rsa = headerOf(headers, 'x-wh-signature');
  if (rsa !== undefined && keys.rsa !== null) return verifiedAs('rsa', 'sha256', raw, keys.rsa, rsa);
  return Promise.resolve(null);
}

/** `kind` when the base64 signature verifies; null when it does not, or cannot be read as one. */
function verifiedAs(
  kind: SignatureKind,
  algorithm: 'sha256' | null,
  raw: Buffer,
  key: KeyObject,
  signature: string,
): Promise<SignatureKind | null> {
  return new Promise((resolve) => {
    try {
      verify(algorithm, raw, key, Buffer.from(signature, 'base64'), (err, ok) => resolve(!err && ok ? kind : null));
    } catch {
      resolve(null);
    }
  });
}
