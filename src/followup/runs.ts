import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';
import { enqueueJob } from '../jobs/queries.js';
import type { RunOutcome, StepAction } from './tables.js';
import type { StopCondition } from './settle.js';

type Db = Kysely<Database>;

export const STEP_JOB = 'followup.step';

export async function addRunEvent(
  db: Db,
  runId: number,
  at: Date,
  kind: string,
  detail: Record<string, unknown> = {},
  stepId: string | null = null,
): Promise<void> {
  await db
    .insertInto('run_events')
    .values({ run_id: runId, at, kind, step_id: stepId, detail: JSON.stringify(detail) })
    .execute();
}

/**
 * Every transaction that moves a run's steps takes the run's row lock first (settle.ts does, in SQL). One order
 * (run, then steps) for all of them means concurrent steps of one run never deadlock, and the last step to
 * finish sees the others' states when it decides how the run ended.
 */
export async function lockRun(db: Db, runId: number): Promise<void> {
  await db.selectFrom('runs').select('id').where('id', '=', runId).forUpdate().execute();
}

/** Steps after this one need not ask GHL what happened since the missed call (rest-check.ts). */
export async function markRestChecked(db: Db, runId: number, now: Date): Promise<void> {
  await db
    .updateTable('runs')
    .set({ rest_checked_at: now })
    .where('id', '=', runId)
    .where('rest_checked_at', 'is', null)
    .execute();
}

/** The contact's active run, locked for the caller's transaction. */
export async function lockActiveRun(db: Db, locationId: string, contactId: string) {
  return db
    .selectFrom('runs')
    .selectAll()
    .where('location_id', '=', locationId)
    .where('contact_id', '=', contactId)
    .where('status', '=', 'active')
    .forUpdate()
    .executeTakeFirst();
}

/**
 * Starts a run unless the contact has an active one: the partial unique index decides, so two workers handling
 * two calls of the same contact end with one run. Returns the run and whether it is new.
 */
export async function startOrJoinRun(
  db: Db,
  input: { locationId: string; contactId: string; at: Date; now: Date },
): Promise<{ runId: number; created: boolean }> {
  const inserted = await sql<{ id: number }>`
    insert into runs (location_id, contact_id, status, started_at, created_at, updated_at)
    values (${input.locationId}, ${input.contactId}, 'active', ${input.at}, ${input.now}, ${input.now})
    on conflict (location_id, contact_id) where status = 'active' do nothing
    returning id`.execute(db);
  if (inserted.rows[0]) return { runId: inserted.rows[0].id, created: true };
  const active = await lockActiveRun(db, input.locationId, input.contactId);
  if (!active) throw new Error('active run vanished while joining it');
  // Its missed_connections is recounted from the contact's history by maybeEscalate, in this transaction.
  return { runId: active.id, created: false };
}

/** A step row and its job, in the caller's transaction; the same step of a run is scheduled once. */
export async function scheduleStep(
  db: Db,
  step: { runId: number; locationId: string; contactId: string; stepId: string; action: StepAction; dueAt: Date },
  now: Date,
): Promise<number | null> {
  const row = await db
    .insertInto('run_steps')
    .values({
      run_id: step.runId,
      location_id: step.locationId,
      contact_id: step.contactId,
      step_id: step.stepId,
      action: step.action,
      due_at: step.dueAt,
    })
    .onConflict((oc) => oc.columns(['run_id', 'step_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  if (!row) return null;
  await enqueueJob(
    db,
    {
      kind: STEP_JOB,
      payload: { runStepId: row.id },
      runAt: step.dueAt,
      uniqueKey: `step:${row.id}`,
      locationId: step.locationId,
    },
    now,
  );
  return row.id;
}

/**
 * Ends an active run with its outcome and stops its steps still waiting; a no-op on an ended run (false).
 * The work is ringback_end_run (migrations/0005_run_functions.sql), which a step's settle also ends runs with
 * (settle.ts). Only a recovery names its own reason (recoverLatestRun); a stop goes through stopRun's rule.
 */
async function endRun(db: Db, runId: number, outcome: RunOutcome, reason: string, at: Date): Promise<boolean> {
  const { rows } = await sql<{
    ended: boolean;
  }>`select ringback_end_run(${runId}, ${outcome}, ${reason}, ${at}) as ended`.execute(db);
  return rows[0]?.ended === true;
}

/**
 * A stop met outside any step: a step's stop (a completed callback task, an opt-out, an uninstall) or one only
 * events meet (the install revoked, the contact deleted, a wrong number).
 */
export type OutsideStop =
  | Exclude<StopCondition, 'run-stopped'>
  | 'install-revoked'
  | 'contact-deleted'
  | 'wrong-number';

/**
 * Ends an active run for a stop met outside its steps, with the outcome ringback_run_end_rule gives that stop
 * (migrations/0015_settle_step.sql, 0023_run_end_rule_outside.sql): the table lives there only. A no-op on an
 * ended run (false).
 */
export async function stopRun(db: Db, runId: number, stop: OutsideStop, at: Date): Promise<boolean> {
  const { rows } = await sql<{ ended: boolean }>`
    select ringback_end_run(${runId}, r.end_outcome, r.end_reason, ${at}) as ended
    from ringback_run_end_rule(${runId}, ${stop}) r`.execute(db);
  return rows[0]?.ended === true;
}

/**
 * Recovery within 72 h of the missed call counts even after the sequence ended as lost: the latest such run of
 * the contact becomes recovered. Returns the run recovered, if any.
 */
export async function recoverLatestRun(
  db: Db,
  locationId: string,
  contactId: string,
  reason: string,
  at: Date,
): Promise<number | null> {
  const run = await db
    .selectFrom('runs')
    .select(['id', 'status', 'outcome'])
    .where('location_id', '=', locationId)
    .where('contact_id', '=', contactId)
    .where('started_at', '<=', at)
    .where('started_at', '>=', new Date(at.getTime() - 72 * 3600_000))
    .orderBy('started_at', 'desc')
    .limit(1)
    .forUpdate()
    .executeTakeFirst();
  if (!run) return null;
  if (run.status === 'active') {
    await endRun(db, run.id, 'recovered', reason, at);
    return run.id;
  }
  if (run.outcome !== 'lost') return null;
  await db
    .updateTable('runs')
    .set({ outcome: 'recovered', outcome_reason: reason, outcome_at: at, updated_at: at })
    .where('id', '=', run.id)
    .execute();
  await addRunEvent(db, run.id, at, 'recovered-late', { reason });
  return run.id;
}

/**
 * Uninstall, or an install GHL revoked: every active run of the location ends suppressed; their steps stop
 * before they call GHL.
 */
export async function stopLocationRuns(
  db: Db,
  locationId: string,
  at: Date,
  stop: 'uninstalled' | 'install-revoked' = 'uninstalled',
): Promise<number> {
  const active = await db
    .selectFrom('runs')
    .select('id')
    .where('location_id', '=', locationId)
    .where('status', '=', 'active')
    .forUpdate()
    .execute();
  for (const run of active) await stopRun(db, run.id, stop, at);
  return active.length;
}
