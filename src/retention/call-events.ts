/**
 * A missed call's events that its missed_calls row repeats, deleted after the retention period (README, "Data
 * retention"). ringback_missed_call writes each call's row, its contact event and its run event in one statement
 * (migrations/0029_hand_off.sql), so every event here has its row; the readers read the row instead: the timeline
 * (src/reporting/call-entries.ts) and the sweep's check for calls it already knows (src/followup/sweep.ts).
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';
import { defaultSettings } from '../core/settings/schema.js';
import { SWEEP_MAX_LOOKBACK_MS } from '../followup/sweep.js';

/** The 'missed-call' and 'repeat-call' run events: the call's status, line and source, as its row has them. */
export async function deleteCallRunEvents(db: Kysely<Database>, inboxBefore: Date): Promise<number> {
  const res = await sql`
    delete from run_events where kind in ('missed-call', 'repeat-call') and at < ${inboxBefore}`.execute(db);
  return Number(res.numAffectedRows ?? 0);
}

/**
 * The 'missed-call' contact events. One reader still counts them: the escalation's count of missed connections
 * (ringback_maybe_escalate, migrations/0035_escalate_once.sql), over the location's `escalation.withinDays` before
 * a call that may be as old as the sweep's lookback when it is processed. So an event goes only once that window
 * has passed as well: a location counting over more days than the retention period keeps its events as long.
 */
export async function deleteCallContactEvents(db: Kysely<Database>, now: Date, inboxBefore: Date): Promise<number> {
  const countedBefore = new Date(now.getTime() - SWEEP_MAX_LOOKBACK_MS);
  const days = defaultSettings().escalation.withinDays;
  // Location by location, each its own range of the partial index (migrations/0033): the scan reads only what
  // goes, never the events a longer window keeps (retention runs every 10 minutes). `offset 0` keeps the planner
  // from flattening the lateral into one join, which read the whole index and filtered (EXPLAIN, Postgres 15).
  const res = await sql`
    delete from contact_events where id = any(array(
      select e.id
      from installations i
      left join location_settings s on s.location_id = i.location_id
      cross join lateral (
        select c.id from contact_events c
        where c.kind = 'missed-call' and c.location_id = i.location_id
          and c.at < least(${inboxBefore}::timestamptz, ${countedBefore}::timestamptz - make_interval(
                secs => 86400 * coalesce((s.settings->'escalation'->>'withinDays')::float8, ${days})))
        offset 0) e))`.execute(db);
  return Number(res.numAffectedRows ?? 0);
}
