-- The rules that end a run, for every stop: a step's (0015) and those met outside any step, which ended their
-- runs with an outcome of their own in TypeScript before (src/followup/runs.ts stopRun). Only new cases; the
-- rest is 0015's function as it was.
create or replace function ringback_run_end_rule(p_run bigint, p_stop text, out end_outcome text, out end_reason text)
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
    -- Met outside any step: the install GHL revoked, the contact GHL deleted, a reply saying it is the wrong number.
    when 'install-revoked' then end_outcome := 'suppressed'; end_reason := 'install-revoked'; return;
    when 'contact-deleted' then end_outcome := 'suppressed'; end_reason := 'contact-deleted'; return;
    when 'wrong-number' then end_outcome := 'suppressed'; end_reason := 'wrong-number'; return;
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
