/**
 * A run that ended before the cut keeps its steps and events in its own row (`runs.archive`, shape in
 * migrations/0034_run_archive.sql), and their rows go: what the call log's timeline reads of them
 * (src/reporting/timeline-archive.ts), 583 B for a run of the bench's 4 steps, 395 B of it their words, where the
 * step rows took 1,877 B with their indexes (issue 19). A step not final yet (a booking link still to go after
 * the recovery) stays a row, as do the call's own events of runs older than migrations/0032 ('missed-call',
 * 'repeat-call': retention deletes them, the timeline reads the call rows), and whatever a run gets after it was
 * archived: the timeline reads rows and archive together. An archived run is never archived again.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';

const FINAL = ['done', 'skipped', 'stopped', 'failed'];
const CALL_EVENTS = ['missed-call', 'repeat-call'];

/** The words of a step as retention's trim keeps them (retention.ts) and the timeline shows them (summaryOf). */
const WORDS = sql`case
    when coalesce(s.rendered->>'message', '') <> '' then left(s.rendered->>'message', 501)
    when coalesce(s.rendered->>'title', '') <> '' then left(s.rendered->>'title', 501)
    when coalesce(s.rendered->>'subject', '') <> '' then left(s.rendered->>'subject', 501)
    when coalesce(s.rendered->>'body', '') <> '' then left(s.rendered->>'body', 501)
  end`;

/**
 * Up to `limit` runs ended before `before`, in one statement: each run's row lock (a run another transaction
 * holds waits for the next batch), its final steps and events deleted and written into its archive. Returns how
 * many runs it archived.
 */
export async function archiveEndedRuns(db: Kysely<Database>, before: Date, limit: number): Promise<number> {
  const res = await sql`
    with picked as (
      select id, started_at from runs
      where status = 'ended' and archive is null and outcome_at < ${before}
      order by outcome_at limit ${limit}
      for update skip locked
    ), steps as (
      delete from run_steps s using picked p
      where s.run_id = p.id and s.state in (${sql.join(FINAL)})
      returning s.run_id, ringback_json_tuple(
        to_json(s.step_id)::text, to_json(s.action)::text, to_json(s.state)::text,
        ringback_ms_after(s.due_at, p.started_at)::text, ringback_ms_after(s.done_at, s.due_at)::text,
        to_json(${WORDS})::text, to_json(s.reason)::text,
        case when s.done_at is null then ringback_ms_after(s.intent_at, s.due_at)::text end) as entry, s.id
    ), events as (
      delete from run_events e using picked p
      where e.run_id = p.id and e.kind not in (${sql.join(CALL_EVENTS)})
      returning e.run_id, ringback_json_tuple(
        to_json(e.kind)::text, ringback_ms_after(e.at, p.started_at)::text,
        case when e.detail <> '{}'::jsonb or e.step_id is not null then e.detail::text end,
        to_json(e.step_id)::text) as entry, e.at, e.id
    ), step_lists as (
      select run_id, string_agg(entry, ',' order by id) as list from steps group by run_id
    ), event_lists as (
      select run_id, string_agg(entry, ',' order by at, id) as list from events group by run_id
    )
    update runs r set archive = ('[[' || coalesce(sl.list, '') || '],[' || coalesce(el.list, '') || ']]')::json
    from picked p
    left join step_lists sl on sl.run_id = p.id
    left join event_lists el on el.run_id = p.id
    where r.id = p.id`.execute(db);
  return Number(res.numAffectedRows ?? 0);
}
