import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { Database } from '../db/database.js';
import { PREPARED } from '../db/prepared.js';
import { claimedPayload, type LaneName, laneFilter, laneOf } from './lanes.js';
import type { JobDefinition } from './registry.js';
import type { ClaimedJob, JobState } from './tables.js';

export type Executor = Kysely<Database>;

export interface EnqueueInput {
  kind: string;
  payload: unknown;
  runAt: Date;
  uniqueKey?: string;
  locationId?: string | null;
  maxAttempts?: number;
}

export type { ClaimedJob };

/**
 * Inserts a job; pass the caller's transaction to make the job part of the write that caused it. With a
 * uniqueKey the same job is enqueued once, ever: returns null when it already existed.
 */
export async function enqueueJob(db: Executor, job: EnqueueInput, now: Date): Promise<number | null> {
  const row = await db
    .insertInto('jobs')
    .values({
      kind: job.kind,
      payload: JSON.stringify(job.payload ?? {}),
      run_at: job.runAt,
      unique_key: job.uniqueKey ?? null,
      location_id: job.locationId ?? null,
      max_attempts: job.maxAttempts,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.column('unique_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return row?.id ?? null;
}

/**
 * One statement: lock due rows of the lane (lanes.ts; both when none is named) that others have not locked,
 * mark them ours, return them. The rows are picked once, in a materialized CTE: as `where id in (select … limit
 * n for update skip locked)` the planner may run the subquery again (a rescan skips the rows it just locked and
 * locks others), and a claim of 24 came back with 32 jobs in the bench, more than the worker had slots for.
 */
export async function claimJobs(
  db: Executor,
  opts: { workerId: string; now: Date; limit: number; lane?: LaneName; payload?: RawBuilder<unknown> },
): Promise<ClaimedJob[]> {
  if (!opts.lane) {
    const intake = await claimJobs(db, { ...opts, lane: 'intake' });
    const rest = opts.limit - intake.length;
    return rest > 0 ? [...intake, ...(await claimJobs(db, { ...opts, limit: rest, lane: 'outbound' }))] : intake;
  }
  return (await claimLane(db, { ...opts, lane: opts.lane })).jobs;
}

/**
 * claimJobs for one lane, with the run_at of the lane's next pending job not yet due (null when none): the
 * worker sleeps until then instead of a whole poll, as jobs stored ahead of time (the steps of a run) wake
 * nobody when they come due. Read in the same statement, from the lane's partial index: no round trip more.
 * The second branch sees the rows as they were before the update, so it skips the due rows by `run_at > now`.
 */
export async function claimLane(
  db: Executor,
  /** payload: what the outbound lane's claim returns as each job's payload (claimedPayloads); the stored one by default. */
  opts: { workerId: string; now: Date; limit: number; lane: LaneName; payload?: RawBuilder<unknown> },
): Promise<{ jobs: ClaimedJob[]; nextRunAt: Date | null }> {
  const payload = opts.lane === 'outbound' && opts.payload ? opts.payload : claimedPayload(opts.lane);
  const res = await sql<ClaimedJob & { hint: boolean }>`${sql.raw(PREPARED)}
    with picked as materialized (
      select id from jobs where state = 'pending' and ${laneFilter(opts.lane)} and run_at <= ${opts.now}
      order by run_at, id limit ${opts.limit} for update skip locked
    ), claimed as (
      update jobs set state = 'running', locked_by = ${opts.workerId}, locked_at = ${opts.now},
        attempts = attempts + 1, updated_at = ${opts.now}
      from picked where jobs.id = picked.id
      returning jobs.id, kind, ${payload} as payload, attempts, max_attempts, location_id, run_at
    )
    select id, kind, payload, attempts, max_attempts, location_id, run_at, false as hint from claimed
    union all
    select null, null, null, null, null, null, min(run_at), true from jobs
    where state = 'pending' and ${laneFilter(opts.lane)} and run_at > ${opts.now}`.execute(db);
  const jobs: ClaimedJob[] = [];
  let nextRunAt: Date | null = null;
  for (const { hint, ...job } of res.rows) {
    if (hint) nextRunAt = job.run_at === null ? null : new Date(job.run_at);
    else jobs.push(job);
  }
  return { jobs, nextRunAt };
}

/**
 * Marks finished jobs done, several at once. Guarded by locked_by: a worker whose lock was taken over after it
 * was presumed dead changes nothing. Returns how many rows it changed.
 */
export async function completeJobs(db: Executor, ids: readonly number[], workerId: string, now: Date): Promise<number> {
  const res = await sql`${sql.raw(PREPARED)}
    update jobs set state = 'done', locked_by = null, locked_at = null, finished_at = ${now}, updated_at = ${now}
    where id = any(${ids}::bigint[]) and locked_by = ${workerId} and state = 'running'`.execute(db);
  return Number(res.numAffectedRows ?? 0n);
}

/**
 * Backoff computed in SQL: 2^attempts seconds (capped at 1 h) plus up to 25% jitter; after max_attempts the job
 * is dead and keeps its last error for the timeline.
 */
export async function failJob(
  db: Executor,
  id: number,
  workerId: string,
  error: string,
  now: Date,
  opts: { permanent?: boolean; maxAttempts?: number } = {},
): Promise<JobState | null> {
  const permanent = opts.permanent ?? false;
  // The job kind's own limit wins over the row's default, so a registry change applies to queued jobs too.
  const max = opts.maxAttempts ?? null;
  const res = await sql<{ state: JobState }>`
    update jobs set
      state = case when ${permanent} or attempts >= coalesce(${max}::int, max_attempts) then 'dead' else 'pending' end,
      -- Whole milliseconds: clocks on the JS side have no finer grain, and a job due at a sub-millisecond
      -- instant would look not yet due to a clock set to it.
      run_at = date_trunc('milliseconds', ${now}::timestamptz + make_interval(secs =>
        least(power(2, attempts), 3600) * (1 + random() * 0.25))),
      finished_at = case when ${permanent} or attempts >= coalesce(${max}::int, max_attempts)
        then ${now}::timestamptz else null end,
      last_error = ${error.slice(0, 2000)}, locked_by = null, locked_at = null, updated_at = ${now}
    where id = ${id} and locked_by = ${workerId} and state = 'running'
    returning state`.execute(db);
  return res.rows[0]?.state ?? null;
}

/** For 429s and send windows: run again at `at`, and give back the attempt the claim took. */
export async function rescheduleJob(
  db: Executor,
  id: number,
  workerId: string,
  at: Date,
  reason: string,
  now: Date,
): Promise<boolean> {
  const res = await db
    .updateTable('jobs')
    .set((eb) => ({
      state: 'pending',
      run_at: at,
      attempts: eb('attempts', '-', 1),
      last_error: reason.slice(0, 2000),
      locked_by: null,
      locked_at: null,
      updated_at: now,
    }))
    .where('id', '=', id)
    .where('locked_by', '=', workerId)
    .where('state', '=', 'running')
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

/**
 * Jobs whose worker died (kill -9, lost host) stay 'running' forever; after `staleBefore` they go back to
 * pending, or to dead when they have used every attempt (a job that keeps killing its worker).
 */
export async function recoverStaleJobs(db: Executor, staleBefore: Date, now: Date): Promise<number> {
  const res = await sql`
    update jobs set
      state = case when attempts >= max_attempts then 'dead' else 'pending' end,
      finished_at = case when attempts >= max_attempts then ${now}::timestamptz else null end,
      last_error = 'worker stopped while running the job (lock expired)',
      locked_by = null, locked_at = null, run_at = ${now}, updated_at = ${now}
    where state = 'running' and locked_at < ${staleBefore}`.execute(db);
  return Number(res.numAffectedRows ?? 0n);
}

export async function countJobsByState(db: Executor): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('jobs')
    .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('state')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
}

/**
 * The outbound lane's payload expression from the kinds that ask for one (JobDefinition.claimPayload), or
 * undefined when none does: `case kind when … then … else payload end`, one branch per such kind.
 */
export function claimedPayloads(defs: Iterable<JobDefinition>, now: Date): RawBuilder<unknown> | undefined {
  const branches = [...defs]
    .filter((d) => d.claimPayload && laneOf(d.kind) === 'outbound')
    .map((d) => sql`when ${sql.lit(d.kind)} then ${d.claimPayload?.(now)}`);
  return branches.length ? sql`case kind ${sql.join(branches, sql` `)} else payload end` : undefined;
}
