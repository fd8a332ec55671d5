import { createHash } from 'node:crypto';
import express, { type ErrorRequestHandler, Router } from 'express';
import type { AppDeps } from '../app.js';
import { AppError } from '../errors.js';
import { parseWebhook } from './events.js';
import { storeWebhook } from './inbox.js';
import { verifyWebhookSignature, webhookKeys } from './signature.js';
import { isNestedDeeperThan, MAX_NESTING, storableBody } from './storable.js';

/** Replay window on `timestamp`, both ways (GHL's docs suggest 5 min). */
const MAX_SKEW_MS = 5 * 60_000;
/** GHL's delivery timeout is undocumented; a database slower than this answers 429 so GHL redelivers. */
const STORE_TIMEOUT_MS = 5_000;
/** GHL retries a 429 about 10 min later whatever we say; this is for any other sender. */
const RETRY_AFTER_SECONDS = 60;

export function webhooksRouter(deps: AppDeps): Router {
  const keys = webhookKeys(deps.config.ghl);
  const log = deps.logger.child({ component: 'webhooks' });
  const reject = (reason: string) =>
    deps.metrics.inc('ringback_webhooks_rejected_total', 'Webhooks rejected by reason', { reason });

  const r = Router();
  r.post('/webhooks/ghl', express.raw({ type: () => true, limit: '1mb' }), async (req, res) => {
    const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const signatureKind = verifyWebhookSignature(raw, req.headers, keys);
    if (!signatureKind) {
      reject('invalid_signature');
      throw new AppError(401, 'INVALID_SIGNATURE', 'the webhook signature is missing or does not verify');
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.toString('utf8'));
    } catch {
      reject('malformed');
      throw new AppError(400, 'BAD_REQUEST', 'the webhook body is not valid JSON');
    }
    if (isNestedDeeperThan(parsed, MAX_NESTING)) {
      reject('malformed');
      throw new AppError(400, 'BAD_REQUEST', `the webhook body nests deeper than ${MAX_NESTING} levels`);
    }
    const { text: body, json } = storableBody(raw.toString('utf8'), parsed);
    let event: ReturnType<typeof parseWebhook>;
    try {
      event = parseWebhook(json);
    } catch (err) {
      reject('invalid_event');
      throw err;
    }
    const now = deps.clock.now();
    if (event.timestamp && Math.abs(now.getTime() - event.timestamp.getTime()) > MAX_SKEW_MS) {
      reject('stale');
      throw new AppError(400, 'STALE_WEBHOOK', 'the webhook timestamp is more than 5 minutes away from now');
    }
    // GHL documents a webhookId on every event; for one without, the body's hash is the idempotency key, so a
    // byte-identical redelivery is still recognised (two distinct events never share their bytes: timestamps).
    const webhookId = event.webhookId ?? `sha256:${createHash('sha256').update(raw).digest('hex')}`;
    let stored: { duplicate: boolean };
    try {
      stored = await withTimeout(
        storeWebhook(deps.db, { webhookId, type: event.type, locationId: event.locationId, body, signatureKind }, now),
        STORE_TIMEOUT_MS,
      );
    } catch (err) {
      // Only a 429 makes GHL deliver again (ghl-api.md 2.2): a 5xx here would lose the event.
      log.error({ err: err instanceof Error ? err.message : String(err), webhookId }, 'webhook not stored');
      reject('store_failed');
      throw new AppError(429, 'BUSY', 'the event could not be stored; deliver it again later', {
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      });
    }
    if (!stored.duplicate) deps.wakeWorker?.();
    deps.metrics.inc('ringback_webhooks_received_total', 'Webhooks accepted by type', {
      type: event.known ? event.type : 'other',
      duplicate: String(stored.duplicate),
    });
    res.status(200).json({ ok: true, duplicate: stored.duplicate });
  });
  r.use('/webhooks/ghl', countBodyErrors(reject));
  return r;
}

/** Body-parser failures (413 and friends) never reach the handler: count them, then let the app answer. */
function countBodyErrors(reject: (reason: string) => void): ErrorRequestHandler {
  return (err, _req, _res, next) => {
    const type = typeof err === 'object' && err !== null && 'type' in err ? String(err.type) : '';
    if (type === 'entity.too.large') reject('too_large');
    else if (type !== '') reject('unreadable');
    next(err);
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`timed out after ${ms} ms`)), ms);
    timer.unref();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
