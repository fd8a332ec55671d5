import type { IncomingHttpHeaders } from 'node:http';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { withTimeout } from '../timeout.js';
import { groupCommit } from './group-commit.js';
import { storeHandingOff } from './hand-off-store.js';
import type { IncomingWebhook, QuietRecord, StoreResult } from './inbox.js';
import { webhookKeys } from './signature.js';
import { type VerifiedEvent, verifiedEvent, verifiedEventOffLoop, WebhookRejected } from './verified-event.js';

export const WEBHOOK_PATH = '/webhooks/ghl';
export const MAX_BODY_BYTES = 1024 * 1024;
/** GHL's delivery timeout is undocumented; a database slower than this answers 429 so GHL redelivers. */
const STORE_TIMEOUT_MS = 5_000;
/** GHL retries a 429 about 10 min later whatever we say; this is for any other sender. */
const RETRY_AFTER_SECONDS = 60;
/**
 * Group commit (group-commit.ts): a batch forms while earlier ones commit, so a busy service sends one statement
 * per batch and an idle one sends each webhook at once. npm run bench --quick on Postgres, interleaved with the
 * single-row insert it replaced: 0.04 statements per webhook at the maximum instead of 1, Postgres CPU per
 * webhook 0.49-0.53 -> 0.08-0.09 ms, 650-700 -> 1,770-2,050 webhooks/s. Two writes in flight: with one, a
 * write that took 20-60 ms (now and then even for a single row on the 2-core bench machine: a WAL flush, or
 * the service's own GC pause) held every acknowledgement behind it. Full bench at 1,000/s, ack p99: 38-43 ms
 * with one, 25.6 and 25.8 ms with two, 19 and 35 ms with four (which also spends more Postgres CPU on smaller
 * batches). Those runs predate webhooks/front.ts, which removed most of the service's major GCs.
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

/** What both ways in (webhooks/front.ts, and the express route for the rest) do with a delivery. */
export interface WebhookIntake {
  /** Verifies and stores one delivery; resolves to the acknowledgement's body, or rejects with an AppError. */
  take(raw: Buffer, headers: IncomingHttpHeaders): Promise<Buffer>;
  /** Counts a delivery turned away before `take` (a body that could not be read). */
  reject(reason: string): void;
}

/**
 * Which events may be quiet (stored processed, no job, when their contact has no run), and what each would
 * record: the follow-up engine's rule (src/followup/quiet-webhook.ts), handed in by the root. Without it every
 * event gets its job.
 */
export type QuietRule = (type: string, body: Record<string, unknown>, receivedAt: Date) => QuietRecord | null;

/** The rule's answer; a rule that throws on an odd body leaves the webhook to its job, as any other. */
function quietOf(rule: QuietRule, type: string, json: unknown, now: Date): QuietRecord | null {
  try {
    return rule(type, json as Record<string, unknown>, now);
  } catch {
    return null;
  }
}

export function webhookIntake(deps: Deps, quietRule?: QuietRule): WebhookIntake {
  const keys = webhookKeys(deps.config.ghl);
  const log = deps.logger.child({ component: 'webhooks' });
  const reject = (reason: string) =>
    deps.metrics.inc('ringback_webhooks_rejected_total', 'Webhooks rejected by reason', { reason });
  const store = groupCommit((batch: readonly IncomingWebhook[]) => storeHandingOff(deps, batch), {
    maxBatch: MAX_BATCH,
    maxBatchSize: MAX_BATCH_CHARS,
    sizeOf: (w) => w.body.length,
    maxInFlight: MAX_IN_FLIGHT,
    timeoutMs: STORE_TIMEOUT_MS,
  });

  async function stored(row: IncomingWebhook): Promise<StoreResult> {
    // groupCommit's timeoutMs bounds a write once sent (it frees the slot of a hung one); this bounds the
    // delivery's whole wait, queued behind other writes included.
    try {
      return await withTimeout(store(row), STORE_TIMEOUT_MS);
    } catch (err) {
      // Only a 429 makes GHL deliver again (docs/ghl-webhooks.md, retries): a 5xx here would lose the event.
      log.error(
        { err: err instanceof Error ? err.message : String(err), webhookId: row.webhookId },
        'webhook not stored',
      );
      reject('store_failed');
      throw new AppError(429, 'BUSY', 'the event could not be stored; deliver it again later', {
        retryAfterSeconds: RETRY_AFTER_SECONDS,
      });
    }
  }

  return {
    reject,
    async take(raw, headers) {
      const now = deps.clock.now();
      let v: VerifiedEvent;
      try {
        v = deps.verifyOffLoop
          ? await verifiedEventOffLoop(raw, headers, keys, now)
          : verifiedEvent(raw, headers, keys, now);
      } catch (err) {
        if (err instanceof WebhookRejected) reject(err.reason);
        throw err;
      }
      const { event, webhookId, body, json, signatureKind } = v;
      const { duplicate, quiet, handedOff } = await stored({
        webhookId,
        type: event.type,
        locationId: event.locationId,
        body,
        json,
        signatureKind,
        receivedAt: now,
        quiet: quietRule && event.known ? quietOf(quietRule, event.type, json, now) : null,
      });
      // A quiet webhook is stored processed, and a job handed off runs at once: no worker to wake for them.
      if (!duplicate && !quiet && !handedOff) deps.wakeWorker?.();
      deps.metrics.inc('ringback_webhooks_received_total', 'Webhooks accepted by type', {
        type: event.known ? event.type : 'other',
        duplicate: duplicate ? 'true' : 'false',
      });
      if (quiet) deps.metrics.inc('ringback_webhooks_quiet_total', 'Webhooks stored processed, with no job');
      return duplicate ? ACK.duplicate : ACK.stored;
    },
  };
}
