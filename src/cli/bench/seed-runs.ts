/**
 * Runs whose steps fall due at a chosen rate, written straight into the tables as the missed-call path writes
 * them (run, missed call, contact history, timeline, the four steps and their jobs): the step jobs the worker
 * then runs are real in every way, only the webhook processing that created them is skipped so the due rate is
 * exact. One statement per batch, generate_series doing the rows.
 */
import type { EventPlan } from './protocol.js';

export const FIRST_STEP_AFTER_MS = 120_000;

export const SEED_RUNS = `
with src as (
  select $4::int + g as n,
         ($1::text[])[1 + (($4::int + g) % cardinality($1::text[]))] as loc,
         ($2::text[])[1 + (($4::int + g) % cardinality($2::text[]))] as line,
         $6::timestamptz + make_interval(secs => g * $7::float8) as called_at
  from generate_series(0, $5::int - 1) g
), r as (
  insert into runs (location_id, contact_id, status, started_at, tracking_number, caller_phone, assigned_user_id,
                    created_at, updated_at)
  select loc, $3 || n, 'active', called_at, line, '+1212' || lpad((5000000 + n % 5000000)::text, 7, '0'),
         loc || '_rep_' || (1 + n % 2), now(), now()
  from src
  returning id, location_id, contact_id, started_at, caller_phone, tracking_number
), mc as (
  insert into missed_calls (location_id, contact_id, run_id, message_id, called_at, tracking_number, caller_number,
                            call_status, created_at)
  select location_id, contact_id, id, 'msg_' || contact_id, started_at, tracking_number, caller_phone, 'no-answer', now()
  from r
), ce as (
  insert into contact_events (location_id, contact_id, kind, at, ref, detail)
  select location_id, contact_id, 'missed-call', started_at, 'msg_' || contact_id, '{"status":"no-answer"}'::jsonb from r
), re as (
  insert into run_events (run_id, at, kind, detail)
  select id, started_at, 'missed-call', '{"status":"no-answer"}'::jsonb from r
), s as (
  insert into run_steps (run_id, location_id, contact_id, step_id, action, due_at)
  select r.id, r.location_id, r.contact_id, st.step_id, st.action, r.started_at + st.after
  from r cross join (values ('apology-sms', 'sms', interval '2 minutes'), ('callback-task', 'task', interval '15 minutes'),
    ('resources-email', 'email', interval '2 hours'), ('final-sms', 'sms', interval '24 hours')) as st(step_id, action, after)
  returning id, location_id, due_at
)
insert into jobs (kind, payload, run_at, unique_key, location_id, created_at, updated_at)
select 'followup.step', jsonb_build_object('runStepId', id), due_at, 'step:' || id, location_id, now(), now() from s`;

/** Parameters of SEED_RUNS for `count` calls of the plan (its dateAddedMs and dateStepMs are required). */
export function seedRunsValues(plan: EventPlan, count: number): unknown[] {
  return [
    plan.locations,
    plan.lines,
    plan.contactPrefix,
    plan.first ?? 0,
    count,
    new Date(plan.dateAddedMs ?? Date.now()),
    (plan.dateStepMs ?? 0) / 1000,
  ];
}

/** Future-dated step jobs (1-30 days out) for the scale test: the claim must not care how many wait. */
export const SEED_FUTURE_JOBS = `
insert into jobs (kind, payload, run_at, unique_key, location_id, created_at, updated_at)
select 'followup.step', jsonb_build_object('runStepId', 100000000 + g),
       now() + interval '1 day' + make_interval(secs => (g % 2592000)), 'bench-future:' || g,
       ($2::text[])[1 + g % cardinality($2::text[])], now(), now()
from generate_series($3::int + 1, $3::int + $1::int) g`;
