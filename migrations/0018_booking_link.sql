-- The booking link a "wants to book" reply asks for (src/followup/booking-link.ts) is a step of the run that
-- the reply itself recovers: a run ending recovered leaves that one step pending, so it still goes, through
-- every guard of a text. Any other ending (opted out, wrong number, uninstalled...) stops it with the rest.
create or replace function ringback_end_run(p_run bigint, p_outcome text, p_reason text, p_at timestamptz)
returns boolean language plpgsql as $$
begin
  update runs set status = 'ended', outcome = p_outcome, outcome_reason = p_reason, outcome_at = p_at, updated_at = p_at
  where id = p_run and status = 'active';
  if not found then
    return false;
  end if;
  update run_steps set state = 'stopped', reason = 'run ' || p_outcome || ': ' || p_reason, done_at = p_at
  where run_id = p_run and state = 'pending' and not (step_id = 'booking-link' and p_outcome = 'recovered');
  insert into run_events (run_id, at, kind, detail)
  values (p_run, p_at, 'run-ended', jsonb_build_object('outcome', p_outcome, 'reason', p_reason));
  return true;
end $$;
