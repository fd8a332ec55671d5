import { type ErrorRequestHandler, type Response, Router } from 'express';
import type { AppDeps } from '../app.js';
import { AppError } from '../errors.js';
import { rawBody } from '../http/raw-body.js';
import { groupCommit } from './group-commit.js';
import { type IncomingWebhook, storeWebhooks } from './inbox.js';
import { webhookKeys } from './signature.js';
import { type VerifiedEvent, verifiedEvent, WebhookRejected } from './verified-event.js';

const MAX_BODY_BYTES = 1024 * 1024;
/** GHL's delivery timeout is undocumented; a database slower than this answers 429 so GHL redelivers. */
const STORE_TIMEOUT_MS = 5_000;
/** GHL retries a 429 about 10 min later whatever we say; this is for any other sender. */
const RETRY_AFTER_SECONDS = 60;
/**
 * Group commit (group-commit.ts): a batch forms while earlier ones commit, so a busy service sends one statement
 * per batch and an idle one sends each webhook at once. npm run bench --quick on Postgres, interleaved with the
 * single-row insert it replaced: 0.04 statements per webhook at the maximum instead of 1, Postgres CPU per
 * webhook 0.49-0.53 -> 0.08-0.09 ms, 650-700 -> 1,770-2,050 webhooks/s. Two writes in flight: with one, a
 * write Postgres holds for 20-60 ms (seen now and then even for a single row on the 2-core bench machine) held
 * every acknowledgement behind it. Full bench at 1,000/s, ack p99: 38-43 ms with one, 25.6 and 25.8 ms with
 * two, 19 and 35 ms with four (which also spends more Postgres CPU on smaller batches).
 */
const MAX_BATCH = 200;
/** GHL's events are about a kilobyte; a backlog of 1 MB bodies must not become one statement of 200 MB. */
const MAX_BATCH_CHARS = 4 * 1024 * 1024;
const MAX_IN_FLIGHT = 2;

/**
 * The two possible answers, encoded once. `res.json` would stringify, look up a charset and hash the body for
 * an ETag on every acknowledgement, for a body that is always one of these.
 */
const ACK = {
  stored: Buffer.from(JSON.stringify({ ok: true, duplicate: false })),
  duplicate: Buffer.from(JSON.stringify({ ok: true, duplicate: true })),
};

export function webhooksRouter(deps: AppDeps): Router {
  const keys = webhookKeys(deps.config.ghl);
  const log = deps.logger.child({ component: 'webhooks' });
  const reject = (reason: string) =>
    deps.metrics.inc('ringback_webhooks_rejected_total', 'Webhooks rejected by reason', { reason });
  const store = groupCommit((batch: readonly IncomingWebhook[]) => storeWebhooks(deps.db, batch), {
    maxBatch: MAX_BATCH,
    maxBatchSize: MAX_BATCH_CHARS,
    sizeOf: (w) => w.body.length,
    maxInFlight: MAX_IN_FLIGHT,
    timeoutMs: STORE_TIMEOUT_MS,
  });

  async function accept(v: VerifiedEvent, now: Date): Promise<{ duplicate: boolean }> {
    const { event, webhookId, body, signatureKind } = v;
    const row: IncomingWebhook = {
      webhookId,
      type: event.type,
      locationId: event.locationId,
      body,
      signatureKind,
      receivedAt: now,
    };
    try {
      return await withTimeout(store(row), STORE_TIMEOUT_MS);
    } catch (err) {
      // Only a 429 makes GHL deliver again (ghl-api.md 2.2): a 5xx here would lose the event.
      log.error({ err: err instanceof Error ? err.message : String(err), webhookId }, 'webhook not stored');
      reject('store_failed');
      throw new AppError(429, 'BUSY', 'the event could not be stored; deliver it again later', {
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      });
    }
  }

  const r = Router();
  r.post('/webhooks/ghl', rawBody(MAX_BODY_BYTES), async (req, res) => {
    const raw: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const now = deps.clock.now();
    let v: VerifiedEvent;
    try {
      v = verifiedEvent(raw, req.headers, keys, now);
    } catch (err) {
      if (err instanceof WebhookRejected) reject(err.reason);
      throw err;
    }
    const stored = await accept(v, now);
    if (!stored.duplicate) deps.wakeWorker?.();
    deps.metrics.inc('ringback_webhooks_received_total', 'Webhooks accepted by type', {
      type: v.event.known ? v.event.type : 'other',
      duplicate: stored.duplicate ? 'true' : 'false',
    });
    sendAck(res, stored.duplicate ? ACK.duplicate : ACK.stored);
  });
  r.use('/webhooks/ghl', countBodyErrors(reject));
  return r;
}

function sendAck(res: Response, body: Buffer): void {
  res.statusCode = 200;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', body.length);
  res.end(body);
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
