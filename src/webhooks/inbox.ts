import { CompiledQuery, type Kysely, type Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import { PREPARED } from '../db/prepared.js';
import type { SignatureKind, WebhookInboxTable } from '../installations/tables.js';
import type { CrmEvent } from './events.js';

type Executor = Kysely<Database>;
export type InboxRow = Selectable<WebhookInboxTable>;

export const WEBHOOK_JOB = 'webhook.process';

/** A stored webhook, as the processing job hands it on to its handler. */
export interface InboxEvent {
  webhookId: string;
  /** The event as GHL sent it, typed by its schema (events.ts); fields the schema does not name pass through. */
  event: CrmEvent;
  receivedAt: Date;
  /** Set when no webhook brought the event: the sweep found it through GHL's API (src/followup/sweep.ts). */
  foundBy?: 'sweep';
}

export interface IncomingWebhook {
  webhookId: string;
  type: string;
  locationId: string | null;
  /** The raw JSON text, stored as jsonb: it must be storable as is (storable.ts). */
  body: string;
  signatureKind: SignatureKind;
  receivedAt: Date;
  /** Set when the event may be quiet: what its processing would record if the contact has no run. */
  quiet?: QuietRecord | null;
  /** A worker of this process that kept a slot for the webhook's job: the job is stored claimed by it (hand-off). */
  handOffWorker?: string | null;
  /** `body` parsed (the route has it): a job handed off carries it, as the intake lane's claim would. */
  json?: unknown;
}

/** What storing one webhook did. */
export interface StoreResult {
  duplicate: boolean;
  quiet: boolean;
  /** The processing job, when it was stored claimed by `handOffWorker`. */
  handedOff: { id: number; maxAttempts: number } | null;
}

/**
 * A text or email that, for a contact with no run, changes nothing but the contact's history: this one event
 * (src/followup/quiet-webhook.ts decides; docs/quiet-webhooks.md has the rule).
 */
export interface QuietRecord {
  contactId: string;
  kind: 'reply' | 'manual-message' | 'other-automation';
  /** The event's own time, as processing would record it. */
  at: Date;
  /** GHL's message id: the contact event's key, and how a report on one of our own sends is recognised. */
  ref: string | null;
}

/**
 * One statement stores a batch: each new inbox row with its processing job (unique per webhookId), commits
 * together or not at all (data-modifying CTEs). A redelivery of a stored event changes nothing. Returns, per
 * webhook in the given order, whether it was a duplicate.
 *
 * The batch travels as one jsonb array into which each raw body is spliced unchanged: no escaping in Node, one
 * parse in Postgres, and one statement text whatever the batch size. Rows go in in webhook_id order, so two
 * instances storing overlapping batches take their unique-key locks in the same order and cannot deadlock;
 * of two rows with one webhook_id in a batch, the first one submitted is stored and the other is a duplicate.
 *
 * One statement, not BEGIN / insert / insert / COMMIT: each round trip is a socket write and a wake-up of the
 * database, the largest cost of an acknowledgement here (npm run bench on Postgres: 434 -> 754 webhooks/s).
 * Prepared (its text never varies): parsing and planning it was most of its cost on PGlite, where the database
 * shares the service's one core (single-row stores, process CPU: 1.11 -> 0.46 ms each).
 *
 * A quiet webhook (`quiet` set) whose contact has no run, and whose message is no run step's, is stored
 * already processed (processed_at = received_at, `quiet` true) with the contact event its processing would
 * have recorded, and gets no job: `quiet: true` in its result. Any run of the contact, whatever its state or
 * age, means the job as before (docs/quiet-webhooks.md). So is GHL's report of a text or email Ringback sent
 * whose step already holds its id, with no contact event: processing would find the step and record nothing.
 */
export async function storeWebhooks(db: Executor, batch: readonly IncomingWebhook[]): Promise<StoreResult[]> {
  const res = await db.executeQuery<{
    webhook_id: string;
    quiet: boolean;
    job_id: number | string | null;
    max_attempts: number | null;
  }>(CompiledQuery.raw(STORE_BATCH, [batchJson(batch)]));
  const stored = new Map(res.rows.map((r) => [r.webhook_id, r]));
  // Only the first occurrence of a stored id was the row inserted (the insert's order); later ones were duplicates.
  return batch.map((w) => {
    const row = stored.get(w.webhookId);
    stored.delete(w.webhookId);
    return {
      duplicate: row === undefined,
      quiet: row?.quiet === true,
      handedOff:
        row?.job_id === null || row?.job_id === undefined
          ? null
          : { id: Number(row.job_id), maxAttempts: Number(row.max_attempts) },
    };
  });
}

const STORE_BATCH = `${PREPARED}
  with batch as (
    select * from jsonb_to_recordset($1::jsonb)
      as b(ord int, webhook_id text, type text, location_id text, body jsonb, signature_kind text,
           received_at timestamptz, quiet jsonb, hand_off text)
  ), once as (
    select distinct on (webhook_id) * from batch order by webhook_id, ord
  ), decided as (
    select f.*, f.quiet is not null and f.location_id is not null
      and not exists (select 1 from runs r
                      where r.location_id = f.location_id and r.contact_id = f.quiet->>'contactId')
      and not exists (select 1 from run_steps s
                      where s.ghl_id = f.quiet->>'ref' and s.location_id = f.location_id) as skip,
           -- GHL's report of a text or email Ringback sent: its step holds GHL's id, or, when the report beat
           -- the send's own answer, is still sending the same words. Processing finds the step and records
           -- nothing (followup/ingest.ts, stepByGhlId and stepStillSending), so it is stored processed too,
           -- with no event. A failed delivery has no quiet record (quiet-webhook.ts) and keeps its job.
           f.quiet is not null and f.location_id is not null
      and f.quiet->>'kind' in ('other-automation', 'manual-message')
      and (exists (select 1 from run_steps s
                   where s.ghl_id = f.quiet->>'ref' and s.location_id = f.location_id
                     and s.contact_id = f.quiet->>'contactId' and s.action in ('sms', 'email'))
           or (jsonb_typeof(f.body->'body') = 'string' and f.body->>'body' <> ''
               and exists (select 1 from run_steps s
                           where s.location_id = f.location_id and s.contact_id = f.quiet->>'contactId'
                             and s.state = 'sending' and s.action = 'sms'
                             and s.rendered->>'message' = f.body->>'body'))) as own
    from once f
  ), inbox as (
    insert into webhook_inbox (webhook_id, type, location_id, body, signature_kind, received_at, processed_at, quiet)
    select webhook_id, type, location_id, body, signature_kind, received_at,
           case when skip or own then received_at end, skip or own
    from decided order by webhook_id
    on conflict (webhook_id) do nothing
    returning webhook_id, location_id, received_at, quiet
  ), job as (
    -- Claimed at birth for the worker that kept a slot for it (src/jobs/hand-off.ts), as its claim would mark it.
    insert into jobs (kind, payload, run_at, unique_key, location_id, created_at, updated_at,
                      state, locked_by, locked_at, attempts)
    select '${WEBHOOK_JOB}', jsonb_build_object('webhookId', i.webhook_id), i.received_at, 'webhook:' || i.webhook_id,
           i.location_id, i.received_at, i.received_at,
           case when d.hand_off is null then 'pending' else 'running' end, d.hand_off,
           case when d.hand_off is not null then i.received_at end, case when d.hand_off is null then 0 else 1 end
    from inbox i join decided d on d.webhook_id = i.webhook_id
    where not i.quiet
    on conflict (unique_key) do nothing
    returning id, payload->>'webhookId' as webhook_id, max_attempts, locked_by
  ), history as (
    insert into contact_events (location_id, contact_id, kind, at, ref)
    select d.location_id, d.quiet->>'contactId', d.quiet->>'kind', (d.quiet->>'at')::timestamptz, d.quiet->>'ref'
    from inbox i join decided d on d.webhook_id = i.webhook_id
    where d.skip
    order by 1, 3, 5
    on conflict (location_id, kind, ref) where ref is not null do nothing
  )
  select i.webhook_id, i.quiet, j.id as job_id, j.max_attempts
  from inbox i left join job j on j.webhook_id = i.webhook_id and j.locked_by is not null`;

/** `body` is verified JSON text (the route parsed it), so it is spliced in as a value without re-encoding. */
function batchJson(batch: readonly IncomingWebhook[]): string {
  const rows = batch.map(
    (w, i) =>
      `{"ord":${i},"webhook_id":${JSON.stringify(w.webhookId)},"type":${JSON.stringify(w.type)},` +
      `"location_id":${JSON.stringify(w.locationId)},"signature_kind":${JSON.stringify(w.signatureKind)},` +
      `"received_at":"${w.receivedAt.toISOString()}","quiet":${quietJson(w.quiet)},` +
      `"hand_off":${JSON.stringify(w.handOffWorker ?? null)},"body":${w.body}}`,
  );
  return `[${rows.join(',')}]`;
}

function quietJson(q: QuietRecord | null | undefined): string {
  if (!q) return 'null';
  return JSON.stringify({ contactId: q.contactId, kind: q.kind, at: q.at.toISOString(), ref: q.ref });
}

export async function loadInbox(db: Executor, webhookId: string): Promise<InboxRow | undefined> {
  return db.selectFrom('webhook_inbox').selectAll().where('webhook_id', '=', webhookId).executeTakeFirst();
}

/**
 * Claims the event for processing inside the transaction of its effects: true once, ever. The row lock this
 * update takes also keeps a second worker waiting until the first commits or rolls back.
 */
export async function claimInbox(trx: Executor, webhookId: string, now: Date): Promise<boolean> {
  const res = await trx
    .updateTable('webhook_inbox')
    .set({ processed_at: now, error: null })
    .where('webhook_id', '=', webhookId)
    .where('processed_at', 'is', null)
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

/** The last processing error, for the timeline and support; the job keeps retrying or goes dead on its own. */
export async function recordInboxError(db: Executor, webhookId: string, error: string): Promise<void> {
  await db
    .updateTable('webhook_inbox')
    .set({ error: error.slice(0, 2000) })
    .where('webhook_id', '=', webhookId)
    .where('processed_at', 'is', null)
    .execute();
}
