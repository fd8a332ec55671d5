-- One way to settle a step, and the rules that end a run in one place. Every branch of a follow-up step (sent,
-- skipped, stopped, failed after GHL refused it or after its last attempt, sent back to be decided again) calls
-- ringback_settle_step; before, each of them wrote its own "lock run, mark step, add event, end run"
-- transaction, and the stop conditions' outcomes lived in TypeScript while the sequence's end lived here.
-- One function call is one round trip (the happy path's cost stays what 0005 made it). ringback_end_run (0005)
-- stays: it is also how events from outside a step (a reply, an uninstall) end a run.
--
-- The two functions this replaces are dropped, so the rules exist once. An instance of the previous release
-- still running during a deploy fails to record a send; its step stays 'sending' and the retry finds the
-- message in GHL (step-retry.ts), as after a crash.
drop function if exists ringback_step_sent(bigint, text, text, timestamptz, jsonb, boolean);
drop function if exists ringback_finish_run_if_complete(bigint, timestamptz);

-- How a run ends when one of its steps settles; a null end_outcome: the run goes on. `p_stop` is the stop condition
-- the step met (decide.ts StopReason, or 'uninstalled'), null when the step was sent, skipped or failed. Run it
-- under the run's row lock: each statement of a volatile function takes a fresh snapshot, so the step count
-- sees what a concurrent settle committed before the lock was granted (one statement with CTEs would not).
create function ringback_run_end_rule(p_run bigint, p_stop text, out end_outcome text, out end_reason text)
language plpgsql as $$
declare
  open_steps integer;
  messages integer;
  skipped integer;
  opted_out integer;
begin
  case p_stop
    when 'answered' then end_outcome := 'recovered'; end_reason := 'connected'; return;
    when 'replied' then end_outcome := 'recovered'; end_reason := 'replied'; return;
    when 'booked' then end_outcome := 'recovered'; end_reason := 'booked'; return;
    when 'task-completed' then end_outcome := 'recovered'; end_reason := 'callback-completed'; return;
    -- The team called back but did not connect: the sequence hands over to humans; a later connection within
    -- 72 h still turns the run recovered (runs.ts, recoverLatestRun).
    when 'call-returned' then end_outcome := 'lost'; end_reason := 'call-returned'; return;
    when 'opted-out' then end_outcome := 'suppressed'; end_reason := 'opted-out'; return;
    when 'disabled' then end_outcome := 'suppressed'; end_reason := 'disabled'; return;
    when 'uninstalled' then end_outcome := 'suppressed'; end_reason := 'uninstalled'; return;
    else null; -- 'run-stopped', or no stop: the sequence decides below
  end case;
  -- Escalations are outside the sequence: a manager task neither keeps a run open nor counts as a message.
  select count(*) filter (where state in ('pending', 'sending')),
         count(*) filter (where action in ('sms', 'email')),
         count(*) filter (where action in ('sms', 'email') and state = 'skipped'),
         count(*) filter (where action in ('sms', 'email') and coalesce(reason, '') like 'opted-out%')
  into open_steps, messages, skipped, opted_out
  from run_steps where run_id = p_run and action <> 'escalation';
  if open_steps > 0 then
    return;
  end if;
  -- Every step reached a final state: suppressed when no text or email could go out (all skipped, for an
  -- opt-out or DND), otherwise lost: the sequence ended without the lead coming back.
  if messages = 0 or skipped < messages then
    end_outcome := 'lost'; end_reason := 'sequence-ended';
  elsif opted_out > 0 then
    end_outcome := 'suppressed'; end_reason := 'opted-out';
  else
    end_outcome := 'suppressed'; end_reason := 'dnd';
  end if;
end $$;

-- Settles one step: takes its run's row lock (run first, then steps: the order every transition keeps, so two
-- steps of one run never deadlock), moves the step from one of `p_from` (comma-separated states) to `p_to`,
-- records the step's one event, and ends the run when ringback_run_end_rule says so. A step done also sets the
-- run's first follow-up time (an escalation: its escalation time). `p_rest_checked`: this attempt asked GHL what
-- happened since the call, the run's later steps need not (rest-check.ts). False, and nothing written, when the
-- step was in none of `p_from`: a second settle of the same step is a no-op.
create function ringback_settle_step(
  p_step bigint, p_from text, p_to text, p_reason text, p_ghl_id text, p_event text, p_detail jsonb,
  p_at timestamptz, p_rest_checked boolean, p_stop text
) returns boolean language plpgsql as $$
declare
  v_run bigint;
  v_step_id text;
  v_action text;
  v_end record;
begin
  select run_id into v_run from run_steps where id = p_step;
  if v_run is null then
    return false;
  end if;
  perform 1 from runs where id = v_run for update;
  update run_steps set state = p_to, reason = p_reason, ghl_id = coalesce(p_ghl_id, ghl_id),
    done_at = case when p_to = 'pending' then null else p_at end
  where id = p_step and state = any(string_to_array(p_from, ','))
  returning step_id, action into v_step_id, v_action;
  if not found then
    return false;
  end if;
  if p_to = 'done' or p_rest_checked then
    update runs set
      escalated_at = case when p_to = 'done' and v_action = 'escalation' then p_at else escalated_at end,
      first_followup_at = case when p_to = 'done' and v_action <> 'escalation'
                               then coalesce(first_followup_at, p_at) else first_followup_at end,
      rest_checked_at = case when p_rest_checked then coalesce(rest_checked_at, p_at) else rest_checked_at end,
      updated_at = p_at
    where id = v_run;
  end if;
  insert into run_events (run_id, at, kind, step_id, detail) values (v_run, p_at, p_event, v_step_id, p_detail);
  -- A step sent back to be decided again is open: it ends nothing.
  if p_to <> 'pending' then
    select * into v_end from ringback_run_end_rule(v_run, p_stop);
    if v_end.end_outcome is not null then
      perform ringback_end_run(v_run, v_end.end_outcome, v_end.end_reason, p_at);
    end if;
  end if;
  return true;
end $$;
