import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';
import { defaultSettings } from '../core/settings/schema.js';
import { SWEEP_MAX_LOOKBACK_MS } from '../followup/sweep.js';

/**
 * Deletes the 'missed-call' contact events past the retention period whose call has its missed_calls row, and
 * returns how many went. The row keeps the call's facts, and the sweep reads it for the calls it knows
 * (src/followup/sweep.ts). One reader still counts these events: the escalation's count of missed connections
 * (ringback_maybe_escalate, migrations/0021_missed_call.sql), over the location's `escalation.withinDays` before a
 * call that may be as old as the sweep's lookback. So an event goes only once that window has passed too: a
 * location counting over more days than the retention period keeps its events as long (README, "Data retention").
 */
export async function deleteCallEvents(db: Kysely<Database>, now: Date, inboxBefore: Date): Promise<number> {
  const countedBefore = new Date(now.getTime() - SWEEP_MAX_LOOKBACK_MS);
  const days = defaultSettings().escalation.withinDays;
  const res = await sql`
    delete from contact_events c
    using (select i.location_id,
                  least(${inboxBefore}::timestamptz, ${countedBefore}::timestamptz - make_interval(
                    secs => 86400 * coalesce((s.settings->'escalation'->>'withinDays')::float8, ${days}))) as before
           from installations i left join location_settings s on s.location_id = i.location_id) l
    where c.location_id = l.location_id and c.kind = 'missed-call' and c.at < l.before
      and exists (select 1 from missed_calls m
                  where m.location_id = c.location_id and m.called_at = c.at and m.contact_id = c.contact_id)`;
  return Number((await res.execute(db)).numAffectedRows ?? 0);
}
