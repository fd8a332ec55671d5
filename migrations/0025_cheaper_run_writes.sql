-- A job recorded done by the statement that did its work, as 0021 defines it, in plpgsql: a `language sql`
-- function called from plpgsql is parsed and planned again at every call (0.22 ms against 0.05 ms for its one
-- update, measured with pg_stat_statements in the end-to-end bench, issue 19), where plpgsql keeps its plan.
create or replace function ringback_job_done(p_job bigint, p_worker text, p_at timestamptz) returns void
language plpgsql as $$
begin
  update jobs set state = 'done', locked_by = null, locked_at = null, finished_at = p_at, updated_at = p_at
  where id = p_job and locked_by = p_worker and state = 'running';
end $$;

-- A run's end as 0018 defines it, and the jobs of the steps it stops are done with them: before, each of those
-- jobs was still claimed at its due time only to find its step stopped (a claim and a read each, up to three
-- per run that ends early).
create or replace function ringback_end_run(p_run bigint, p_outcome text, p_reason text, p_at timestamptz)
returns boolean language plpgsql as $$
begin
  update runs set status = 'ended', outcome = p_outcome, outcome_reason = p_reason, outcome_at = p_at, updated_at = p_at
  where id = p_run and status = 'active';
  if not found then
    return false;
  end if;
  with stopped as (
    update run_steps set state = 'stopped', reason = 'run ' || p_outcome || ': ' || p_reason, done_at = p_at
    where run_id = p_run and state = 'pending' and not (step_id = 'booking-link' and p_outcome = 'recovered')
    returning id
  )
  update jobs set state = 'done', finished_at = p_at, updated_at = p_at
  where unique_key in (select 'step:' || id from stopped) and state = 'pending';
  insert into run_events (run_id, at, kind, detail)
  values (p_run, p_at, 'run-ended', jsonb_build_object('outcome', p_outcome, 'reason', p_reason));
  return true;
end $$;
