import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { Deps } from '../deps.js';
import { ghlJobError } from '../ghl/job-errors.js';
import { PermanentJobError } from '../jobs/errors.js';
import { defineJob, type HandleResult, type JobDefinition, type JobInfo, RECORDED } from '../jobs/registry.js';
import { type CrmEvent, type InstallEvent, readWebhook, type UninstallEvent } from './events.js';
import { claimInbox, type InboxEvent, loadInbox, recordInboxError, WEBHOOK_JOB } from './inbox.js';

/**
 * What a stored webhook sets off, wired by the composition root (src/fan-out.ts): webhooks/ knows no feature.
 */
export interface WebhookHandlers {
  /** INSTALL. It calls GHL (a token to mint), which no transaction covers: each step is idempotent. */
  installed(event: InstallEvent): Promise<void>;
  /** UNINSTALL, inside the transaction that marks the inbox row processed. */
  uninstalled(trx: Kysely<Database>, event: UninstallEvent, now: Date): Promise<void>;
  /**
   * Every other event Ringback reads (an unknown type is only marked processed), inside the transaction that
   * marks the inbox row processed: what it writes commits exactly once with that mark. It must not call GHL (enqueue a job instead) and must use
   * `trx`, never `deps.db`.
   */
  event(trx: Kysely<Database>, event: InboxEvent): Promise<void>;
  /**
   * Tried before `event`: an event processed by one statement of its own, which marks the webhook processed in
   * the same statement (a missed call, the hot path); false for any other event, which `event` then takes.
   */
  direct?(event: InboxEvent, job?: JobInfo): Promise<boolean>;
}

/**
 * Processes one stored webhook. Exactly once: the job is unique per webhookId, and the inbox row is claimed
 * (processed_at set) in the same transaction as the event's effects, so a re-run after a crash finds it done.
 * INSTALL is the exception: it calls GHL to mint a token, which no transaction can cover; every step of it is
 * idempotent, so it is simply run again until it completes.
 */
export async function processWebhook(
  deps: Deps,
  handlers: WebhookHandlers,
  webhookId: string,
  claimed?: ClaimedWebhook | null,
  job?: JobInfo,
): Promise<HandleResult> {
  const row = claimed ? storedRow(claimed) : await loadInbox(deps.db, webhookId);
  if (!row) throw new PermanentJobError(`webhook ${webhookId} is not in the inbox`);
  if (row.processed_at) return;
  const now = () => deps.clock.now();
  try {
    const event = readWebhook(row.type, row.body);
    if (event?.type === 'INSTALL') {
      await handlers.installed(event);
      await deps.db.transaction().execute((trx) => claimInbox(trx, webhookId, now()));
      return;
    }
    const stored = (e: CrmEvent): InboxEvent => ({ webhookId, event: e, receivedAt: row.received_at });
    // With the job's worker named, the direct statement also records the job done (jobs/registry.ts RECORDED).
    if (event && event.type !== 'UNINSTALL' && handlers.direct && (await handlers.direct(stored(event), job))) {
      return job ? RECORDED : undefined;
    }
    await deps.db.transaction().execute(async (trx) => {
      if (!(await claimInbox(trx, webhookId, now())) || !event) return;
      if (event.type === 'UNINSTALL') {
        await handlers.uninstalled(trx, event, now());
        return;
      }
      await handlers.event(trx, stored(event));
    });
  } catch (err) {
    await recordInboxError(
      deps.db,
      webhookId,
      err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    ).catch(() => {});
    throw asJobError(err);
  }
}

/** A stored event that does not parse never will; GHL's answers map as for every job (ghl/job-errors.ts). */
function asJobError(err: unknown): unknown {
  if (err instanceof z.ZodError) return new PermanentJobError(err.message, { cause: err });
  return ghlJobError(err, 'final');
}

/** The stored webhook as the intake lane's claim returns it with the job (jobs/lanes.ts), dates as JSON text. */
const ClaimedWebhook = z.object({
  type: z.string(),
  location_id: z.string().nullable(),
  body: z.unknown(),
  received_at: z.string(),
  processed_at: z.string().nullable(),
});
type ClaimedWebhook = z.infer<typeof ClaimedWebhook>;

function storedRow(c: ClaimedWebhook) {
  return {
    type: c.type,
    location_id: c.location_id,
    body: c.body,
    received_at: new Date(c.received_at),
    processed_at: c.processed_at === null ? null : new Date(c.processed_at),
  };
}

export function webhookProcessJob(deps: Deps, handlers: WebhookHandlers): JobDefinition {
  return defineJob({
    kind: WEBHOOK_JOB,
    // `stored` comes with the claim, never from the queue: a row gone from the inbox is null, read as absent.
    schema: z.object({ webhookId: z.string().min(1), stored: ClaimedWebhook.nullish() }),
    handle: ({ webhookId, stored }, job) => processWebhook(deps, handlers, webhookId, stored, job),
  });
}
