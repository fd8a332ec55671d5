/**
 * What Ringback keeps, and for how long (README, "Data retention"):
 * - a webhook's body for RETENTION_INBOX_DAYS (7). Then a processed webhook whose event carried a `timestamp`
 *   loses its whole row: a redelivery of it is refused by that timestamp's age long before (90 minutes,
 *   src/webhooks/verified-event.ts), so its key stops nothing any more (docs/ghl-webhooks.md, "After retention"). An
 *   event without a timestamp is refused by nothing but its key (webhookId, or the hash of its bytes), so its
 *   row stays with the key and type only; so does an unprocessed one (its job still needs it);
 * - a finished step's rendered content for as long, then only the words the timeline shows (a text's message,
 *   a task's title, an email's subject); its 'sent' event, which repeats the step row, a run's 'run-ended'
 *   event, which repeats the run row, and a call's 'missed-call' or 'repeat-call' event, which repeats its
 *   missed_calls row (the timeline reads the row), are deleted;
 * - a missed call's contact event keeps its key, not its detail (the missed_calls row has the numbers and
 *   status), then goes too once the location's escalation window cannot count it any more (call-events.ts): the
 *   missed_calls row is then the call's one record, and what the sweep knows it by (docs/ghl-reconciliation.md,
 *   "After retention");
 * - a run that ended that long ago keeps its steps and events (but the call's own, deleted above) in its own row,
 *   folded into one compact value its timeline reads the same (src/retention/run-archive.ts), and their rows go;
 * - a job that is done for as long, then it is deleted: what it did is in the rows it wrote (runs, steps,
 *   timeline), and no job is enqueued twice by its unique key alone (a webhook's job comes with its inbox row,
 *   a step's with its step row, attribution with its run); dead jobs stay, with their error;
 * - for locations that have not installed Ringback, once the event is processed, nothing but the dedupe key
 *   and the event's timestamp (so the row can go like any other after the period);
 * - the contact data of an uninstalled location for RETENTION_UNINSTALLED_DAYS (30), then it is deleted
 *   (`npm run data:forget -- <locationId>` deletes it at once).
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';
import { deleteCallContactEvents, deleteCallRunEvents } from './call-events.js';
import { archiveEndedRuns } from './run-archive.js';

/** Lifecycle events stay readable until processed anyway; they carry no contact data. */
const LIFECYCLE = ['INSTALL', 'UNINSTALL'];

/**
 * Runs archived per statement, and statements per retention job. The job comes every 10 minutes (job.ts) and must
 * end well before a worker takes a running job back as stale (5 minutes): a batch took about 100 ms on Postgres
 * (500 runs of 4 steps), so 40 batches, 20,000 runs, take seconds, and a backlog (the first job after this came
 * in) goes over a few slots at 2.9 million runs a day.
 */
export const ARCHIVE_BATCH = 500;
const ARCHIVE_BATCHES = 40;

export interface RetentionResult {
  inboxRowsDeleted: number;
  inboxBodiesDropped: number;
  notInstalledBodiesDropped: number;
  doneJobsDeleted: number;
  stepsTrimmed: number;
  repeatedEventsDeleted: number;
  callDetailsDropped: number;
  callRunEventsDeleted: number;
  callContactEventsDeleted: number;
  runsArchived: number;
  /** Whether runs past the period are left to archive (the batches ran out): the next job goes on. */
  archiveLeft: boolean;
  locationsForgotten: string[];
}

export async function applyRetention(
  db: Kysely<Database>,
  now: Date,
  periods: { inboxDays: number; uninstalledDays: number },
): Promise<RetentionResult> {
  const inboxBefore = new Date(now.getTime() - periods.inboxDays * 86_400_000);
  // Before the bodies go: whether an event had a timestamp is read from its body.
  const expired = await sql`
    delete from webhook_inbox
    where body is not null and received_at < ${inboxBefore} and processed_at is not null
      and body->>'timestamp' is not null`.execute(db);
  const aged = await sql`
    update webhook_inbox set body = null where body is not null and received_at < ${inboxBefore}`.execute(db);
  const strangers = await sql`
    update webhook_inbox w set body = case when w.body->>'timestamp' is not null
                                           then jsonb_build_object('timestamp', w.body->'timestamp') end
    where w.body is not null and w.body - 'timestamp' <> '{}'::jsonb
      and w.processed_at is not null and w.type not in (${sql.join(LIFECYCLE)})
      and not exists (select 1 from installations i where i.location_id = w.location_id and i.status = 'installed')`.execute(
    db,
  );
  // A finished step keeps the words the timeline shows (src/reporting/timeline.ts summaryOf: the first of these
  // keys that is not empty, cut at 500 characters); the rest (an email's HTML, a task's body, the sender) goes.
  const trimmed = await sql`
    update run_steps set rendered = case
        when coalesce(rendered->>'message', '') <> '' then jsonb_build_object('message', left(rendered->>'message', 501))
        when coalesce(rendered->>'title', '') <> '' then jsonb_build_object('title', left(rendered->>'title', 501))
        when coalesce(rendered->>'subject', '') <> '' then jsonb_build_object('subject', left(rendered->>'subject', 501))
        when coalesce(rendered->>'body', '') <> '' then jsonb_build_object('body', left(rendered->>'body', 501))
      end
    where rendered ? 'action' and done_at < ${inboxBefore} and state in ('done', 'skipped', 'stopped', 'failed')`.execute(
    db,
  );
  // A 'sent' event says what its done step's row says (action, GHL's id, the words), a 'run-ended' event what its
  // run's row says (outcome, reason): the page shows the step and the run's outcome, not these events.
  const repeated = await sql`
    delete from run_events e where e.kind in ('sent', 'run-ended') and e.at < ${inboxBefore}
      and case e.kind
        when 'sent' then exists (select 1 from run_steps s
                                 where s.run_id = e.run_id and s.step_id = e.step_id and s.state = 'done')
        else exists (select 1 from runs r
                     where r.id = e.run_id and r.status = 'ended' and r.outcome = e.detail->>'outcome'
                       and r.outcome_reason is not distinct from e.detail->>'reason')
      end`.execute(db);
  const callRunEvents = await deleteCallRunEvents(db, inboxBefore);
  const callContactEvents = await deleteCallContactEvents(db, now, inboxBefore);
  // A missed call's contact event that stays longer (deleteCallContactEvents): its detail (to, from, status) is
  // the missed_calls row's; nothing reads it.
  const callDetails = await sql`
    update contact_events set detail = '{}'::jsonb
    where kind = 'missed-call' and detail <> '{}'::jsonb and at < ${inboxBefore}`.execute(db);
  // After the trims and deletions above: a run's record is archived as they left it.
  let runsArchived = 0;
  let archiveLeft = true;
  for (let i = 0; i < ARCHIVE_BATCHES && archiveLeft; i++) {
    const n = await archiveEndedRuns(db, inboxBefore, ARCHIVE_BATCH);
    runsArchived += n;
    archiveLeft = n === ARCHIVE_BATCH;
  }
  const doneJobs = await sql`
    delete from jobs where state = 'done' and finished_at < ${inboxBefore}`.execute(db);
  const uninstalledBefore = new Date(now.getTime() - periods.uninstalledDays * 86_400_000);
  const gone = await sql<{ location_id: string }>`
    select location_id from installations
    where status <> 'installed' and uninstalled_at is not null and uninstalled_at <= ${uninstalledBefore}
      and (exists (select 1 from runs r where r.location_id = installations.location_id)
        or exists (select 1 from contact_events e where e.location_id = installations.location_id)
        or exists (select 1 from contact_flags f where f.location_id = installations.location_id)
        or exists (select 1 from missed_calls m where m.location_id = installations.location_id))`.execute(db);
  const forgotten: string[] = [];
  for (const { location_id } of gone.rows) {
    await forgetLocation(db, location_id);
    forgotten.push(location_id);
  }
  return {
    inboxRowsDeleted: Number(expired.numAffectedRows ?? 0),
    inboxBodiesDropped: Number(aged.numAffectedRows ?? 0),
    notInstalledBodiesDropped: Number(strangers.numAffectedRows ?? 0),
    doneJobsDeleted: Number(doneJobs.numAffectedRows ?? 0),
    stepsTrimmed: Number(trimmed.numAffectedRows ?? 0),
    repeatedEventsDeleted: Number(repeated.numAffectedRows ?? 0),
    callDetailsDropped: Number(callDetails.numAffectedRows ?? 0),
    callRunEventsDeleted: callRunEvents,
    callContactEventsDeleted: callContactEvents,
    runsArchived,
    archiveLeft,
    locationsForgotten: forgotten,
  };
}

/**
 * Deletes a location's contact data: calls, runs and their steps and events (an archived run's go with its row),
 * contact events and flags, the bodies of its webhooks, and its finished jobs (their payloads name contacts).
 * Settings, the audit log and the install row stay: they describe the business, not its callers, and a reinstall
 * picks them up.
 */
export async function forgetLocation(db: Kysely<Database>, locationId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`delete from run_events where run_id in (select id from runs where location_id = ${locationId})`.execute(
      trx,
    );
    await sql`delete from run_steps where location_id = ${locationId}`.execute(trx);
    await sql`delete from missed_calls where location_id = ${locationId}`.execute(trx);
    await sql`delete from runs where location_id = ${locationId}`.execute(trx);
    await sql`delete from contact_events where location_id = ${locationId}`.execute(trx);
    await sql`delete from contact_flags where location_id = ${locationId}`.execute(trx);
    await sql`update webhook_inbox set body = null where location_id = ${locationId} and body is not null`.execute(trx);
    await sql`delete from jobs where location_id = ${locationId} and state in ('done', 'dead')`.execute(trx);
  });
}
