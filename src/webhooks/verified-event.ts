import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { AppError } from '../errors.js';
import type { SignatureKind } from '../installations/tables.js';
import { type ParsedWebhook, parseWebhook } from './events.js';
import { verifyWebhookSignature, verifyWebhookSignatureOffLoop, type WebhookKeys } from './signature.js';
import { isNestedDeeperThan, MAX_NESTING, storableBody } from './storable.js';

/**
 * How old a `timestamp` may be. GHL redelivers a 429'd event with its original timestamp about every 10 min, six
 * times (~70 min in all; docs/ghl-webhooks.md): a narrower window refuses the redeliveries a 429 asked for.
 * Replays within it are stopped by the inbox's unique webhookId, not by the clock.
 */
export const MAX_AGE_MS = 90 * 60_000;
/** How far ahead of our clock a `timestamp` may be: clock skew between GHL and us, nothing more. */
export const MAX_AHEAD_MS = 5 * 60_000;

export interface VerifiedEvent {
  event: ParsedWebhook;
  webhookId: string;
  /** The JSON text to store (storable.ts). */
  body: string;
  /** The same, parsed. */
  json: unknown;
  signatureKind: SignatureKind;
}

/** Why a webhook was turned away, for the rejected-webhooks counter. */
export type RejectReason = 'invalid_signature' | 'malformed' | 'invalid_event' | 'stale';

export class WebhookRejected extends AppError {
  constructor(
    readonly reason: RejectReason,
    cause: AppError,
  ) {
    super(cause.status, cause.code, cause.message, cause.options);
  }
}

/**
 * The raw body as an event we may store: signed over these exact bytes, JSON, not too deep, an event, fresh.
 * Throws a WebhookRejected (a 4xx AppError) naming the first check that failed.
 */
export function verifiedEvent(raw: Buffer, headers: IncomingHttpHeaders, keys: WebhookKeys, now: Date): VerifiedEvent {
  return eventOf(raw, verifyWebhookSignature(raw, headers, keys), now);
}

/** The same, its signature verified on libuv's thread pool (signature.ts verifyWebhookSignatureOffLoop). */
export async function verifiedEventOffLoop(
  raw: Buffer,
  headers: IncomingHttpHeaders,
  keys: WebhookKeys,
  now: Date,
): Promise<VerifiedEvent> {
  return eventOf(raw, await verifyWebhookSignatureOffLoop(raw, headers, keys), now);
}

function eventOf(raw: Buffer, signatureKind: SignatureKind | null, now: Date): VerifiedEvent {
  if (!signatureKind) {
    throw rejected(
      'invalid_signature',
      401,
      'INVALID_SIGNATURE',
      'the webhook signature is missing or does not verify',
    );
  }
  const text = raw.toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw rejected('malformed', 400, 'BAD_REQUEST', 'the webhook body is not valid JSON');
  }
  if (isNestedDeeperThan(parsed, MAX_NESTING)) {
    throw rejected('malformed', 400, 'BAD_REQUEST', `the webhook body nests deeper than ${MAX_NESTING} levels`);
  }
  const { text: body, json } = storableBody(text, parsed);
  let event: ParsedWebhook;
  try {
    event = parseWebhook(json);
  } catch (err) {
    throw err instanceof AppError ? new WebhookRejected('invalid_event', err) : err;
  }
  if (event.timestamp) assertTimely(event.timestamp, now);
  // GHL documents a webhookId on every event; for one without, the body's hash is the idempotency key, so a
  // byte-identical redelivery is still recognised (two distinct events never share their bytes: timestamps).
  const webhookId = event.webhookId ?? `sha256:${createHash('sha256').update(raw).digest('hex')}`;
  return { event, webhookId, body, json, signatureKind };
}

/** docs/design.md §3 (POST /webhooks/ghl): up to 90 min old (GHL's 429 redeliveries), at most 5 min ahead. */
function assertTimely(timestamp: Date, now: Date): void {
  const age = now.getTime() - timestamp.getTime();
  if (age > MAX_AGE_MS) {
    throw rejected('stale', 400, 'STALE_WEBHOOK', 'the webhook timestamp is more than 90 minutes old');
  }
  if (-age > MAX_AHEAD_MS) {
    throw rejected('stale', 400, 'STALE_WEBHOOK', 'the webhook timestamp is more than 5 minutes ahead of now');
  }
}

type RejectCode = 'INVALID_SIGNATURE' | 'BAD_REQUEST' | 'STALE_WEBHOOK';

function rejected(reason: RejectReason, status: number, code: RejectCode, message: string): WebhookRejected {
  return new WebhookRejected(reason, new AppError(status, code, message));
}
