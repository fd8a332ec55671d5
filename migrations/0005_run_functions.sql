-- How a run ends, in the database. A follow-up step that finishes has to lock its run, record itself, and end the
-- run when it was the last open step; as separate statements that was ten round trips per step, most of a step's
-- database cost. In a function it is one. Each statement of a volatile function takes a fresh snapshot, so after
-- the run's row lock is granted the step count sees what a concurrent finisher committed (one statement with
-- CTEs would not: its snapshot predates the lock wait).

-- Ends an active run: its pending steps stop and the run's timeline says why. False when it had already ended.
create or replace function ringback_end_run(p_run bigint, p_outcome text, p_reason text, p_at timestamptz)
returns boolean language plpgsql as $$
begin
  update runs set status = 'ended', outcome = p_outcome, outcome_reason = p_reason, outcome_at = p_at, updated_at = p_at
  where id = p_run and status = 'active';
  if not found then
    return false;
  end if;
  update run_steps set state = 'stopped', reason = 'run ' || p_outcome || ': ' || p_reason, done_at = p_at
  where run_id = p_run and state = 'pending';
  insert into run_events (run_id, at, kind, detail)
  values (p_run, p_at, 'run-ended', jsonb_build_object('outcome', p_outcome, 'reason', p_reason));
  return true;
end $$;

-- When every step of the sequence reached a final state the run ends: suppressed when every text and email was
-- skipped (opted out, or DND), otherwise lost. Takes the run's row lock first, as every step transition does.
create or replace function ringback_finish_run_if_complete(p_run bigint, p_at timestamptz)
returns void language plpgsql as $$
declare
  open_steps integer;
  messages integer;
  skipped integer;
  opted_out integer;
begin
  perform 1 from runs where id = p_run for update;
  select count(*) filter (where state in ('pending', 'sending')),
         count(*) filter (where action in ('sms', 'email')),
         count(*) filter (where action in ('sms', 'email') and state = 'skipped'),
         count(*) filter (where action in ('sms', 'email') and coalesce(reason, '') like 'opted-out%')
  into open_steps, messages, skipped, opted_out
  from run_steps where run_id = p_run and action <> 'escalation';
  if open_steps > 0 then
    return;
  end if;
  if messages = 0 or skipped < messages then
    perform ringback_end_run(p_run, 'lost', 'sequence-ended', p_at);
  elsif opted_out > 0 then
    perform ringback_end_run(p_run, 'suppressed', 'opted-out', p_at);
  else
    perform ringback_end_run(p_run, 'suppressed', 'dnd', p_at);
  end if;
end $$;

-- A step GHL accepted: recorded done with GHL's id (only from 'sending', so a step is done once), the run's first
-- follow-up time (or, for an escalation, its escalation time) set, the send on the timeline, the run finished if
-- this was its last open step. False when the step was no longer sending.
create or replace function ringback_step_sent(
  p_step bigint, p_ghl_id text, p_reason text, p_at timestamptz, p_detail jsonb, p_rest_checked boolean
) returns boolean language plpgsql as $$
declare
  v_run bigint;
  v_step_id text;
  v_action text;
begin
  select run_id into v_run from run_steps where id = p_step;
  if v_run is null then
    return false;
  end if;
  perform 1 from runs where id = v_run for update;
  update run_steps set state = 'done', ghl_id = p_ghl_id, done_at = p_at, reason = p_reason
  where id = p_step and state = 'sending'
  returning step_id, action into v_step_id, v_action;
  if not found then
    return false;
  end if;
  if v_action = 'escalation' then
    update runs set escalated_at = p_at where id = v_run;
  else
    update runs set first_followup_at = coalesce(first_followup_at, p_at), updated_at = p_at,
      rest_checked_at = case when p_rest_checked then coalesce(rest_checked_at, p_at) else rest_checked_at end
    where id = v_run;
  end if;
  insert into run_events (run_id, at, kind, step_id, detail) values (v_run, p_at, 'sent', v_step_id, p_detail);
  perform ringback_finish_run_if_complete(v_run, p_at);
  return true;
end $$;
