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

interface Deciding {
  kind: SignatureKind;
  /** crypto.verify's digest: none for Ed25519, SHA-256 for RSA PKCS#1 v1.5. */
  algorithm: 'sha256' | null;
  key: KeyObject;
  signature: Buffer;
}

/**
 * The signature that decides, or null. GHL's order (docs/ghl-webhooks.md, signatures): when `x-ghl-signature`
 * (Ed25519) is present it alone decides, so a request cannot downgrade to the legacy RSA header by spoiling the
 * new one; only without it does `x-wh-signature` (RSA-SHA256, PKCS#1 v1.5) decide.
 */
function deciding(headers: IncomingHttpHeaders, keys: WebhookKeys): Deciding | null {
  const ed = headerOf(headers, 'x-ghl-signature');
  if (ed !== undefined)
    return { kind: 'ed25519', algorithm: null, key: keys.ed25519, signature: Buffer.from(ed, 'base64') };
  const rsa = headerOf(headers, 'x-wh-signature');
  if (rsa !== undefined && keys.rsa !== null) {
    return { kind: 'rsa', algorithm: 'sha256', key: keys.rsa, signature: Buffer.from(rsa, 'base64') };
  }
  return null;
}

/** Which signature vouches for these exact bytes, or null; verified on the calling thread. */
export function verifyWebhookSignature(
  raw: Buffer,
  headers: IncomingHttpHeaders,
  keys: WebhookKeys,
): SignatureKind | null {
  const d = deciding(headers, keys);
  if (!d) return null;
  try {
    return verify(d.algorithm, raw, d.key, d.signature) ? d.kind : null;
  } catch {
    return null;
  }
}

/**
 * The same, verified on libuv's thread pool (crypto.verify with a callback): an Ed25519 verify takes about 0.11 ms
 * on the 2-core bench machine, a third to a half of what the HTTP loop spends on a text's webhook. Only where the
 * database does not share that loop (Postgres): on PGlite the second wait for the loop made acknowledgements
 * slower (README, Benchmark, round five).
 */
export function verifyWebhookSignatureOffLoop(
  raw: Buffer,
  headers: IncomingHttpHeaders,
  keys: WebhookKeys,
): Promise<SignatureKind | null> {
  const d = deciding(headers, keys);
  if (!d) return Promise.resolve(null);
  return new Promise((resolve) => {
    try {
      verify(d.algorithm, raw, d.key, d.signature, (err, ok) => resolve(!err && ok ? d.kind : null));
    } catch {
      resolve(null);
    }
  });
}
