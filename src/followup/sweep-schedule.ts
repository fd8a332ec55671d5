import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';

export const SWEEP_JOB = 'followup.sweep';

/**
 * node-cron calls this every minute on every instance. Each installed location has one sweep job row, ever
 * (unique key `sweep:<location>`), armed again here once it finished `intervalMs` ago. The row's own state is
 * the mutual exclusion: while it is pending or running it is not armed again, so however many instances tick,
 * a location is never swept twice at once, and the jobs table does not grow with every sweep.
 * Returns how many sweeps it armed.
 */
export async function sweepTick(db: Kysely<Database>, now: Date, intervalMs: number): Promise<number> {
  if (intervalMs <= 0) return 0;
  const res = await sql`
    insert into jobs (kind, payload, run_at, unique_key, location_id, max_attempts, created_at, updated_at)
    select ${SWEEP_JOB}, jsonb_build_object('locationId', i.location_id), ${now}, 'sweep:' || i.location_id,
      i.location_id, 3, ${now}, ${now}
    from installations i where i.status = 'installed' and i.access_token_enc is not null
    on conflict (unique_key) do update set state = 'pending', run_at = excluded.run_at, attempts = 0,
      last_error = null, finished_at = null, locked_by = null, locked_at = null, updated_at = excluded.updated_at
    where jobs.state in ('done', 'dead')
      and jobs.finished_at <= ${now}::timestamptz - make_interval(secs => ${intervalMs / 1000})`.execute(db);
  return Number(res.numAffectedRows ?? 0n);
}

export interface Watermark {
  /** Swept up to here; null when the location was never swept (it then starts at its install time). */
  sweptUntil: Date | null;
  installedAt: Date;
}

/** The location's watermark, or null when it is not installed (nothing to sweep). */
export async function loadWatermark(db: Kysely<Database>, locationId: string): Promise<Watermark | null> {
  const row = await db
    .selectFrom('installations as i')
    .leftJoin('location_sweeps as s', 's.location_id', 'i.location_id')
    .select(['i.installed_at', 's.swept_until'])
    .where('i.location_id', '=', locationId)
    .where('i.status', '=', 'installed')
    .executeTakeFirst();
  return row ? { sweptUntil: row.swept_until, installedAt: row.installed_at } : null;
}

/** Records a finished sweep. The watermark never moves back, whatever order two writers commit in. */
export async function saveWatermark(
  db: Kysely<Database>,
  locationId: string,
  sweptUntil: Date,
  stats: { found: number; requests: number },
  now: Date,
): Promise<void> {
  await db
    .insertInto('location_sweeps')
    .values({ location_id: locationId, swept_until: sweptUntil, swept_at: now, ...stats })
    .onConflict((oc) =>
      oc.column('location_id').doUpdateSet((eb) => ({
        swept_until: sql<Date>`greatest(${eb.ref('location_sweeps.swept_until')}, ${eb.ref('excluded.swept_until')})`,
        swept_at: eb.ref('excluded.swept_at'),
        found: eb.ref('excluded.found'),
        requests: eb.ref('excluded.requests'),
      })),
    )
    .execute();
}
