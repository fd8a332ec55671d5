-- The manager's task at the escalation threshold written in one place: ringback_maybe_escalate (0021), which the
-- paths outside a missed call use (an unanswered callback, src/followup/missed-call.ts maybeEscalate), counts and
-- then makes the task as ringback_escalate_if_due (0032) does for the missed call's own statement; before, both
-- functions carried their own copy of that insert.
create or replace function ringback_maybe_escalate(
  p_run bigint, p_location text, p_contact text, p_since timestamptz, p_until timestamptz, p_after int,
  p_now timestamptz
) returns void language plpgsql as $$
declare
  v_count integer;
begin
  update runs set missed_connections = (
    select count(*)::int from contact_events
    where location_id = p_location and contact_id = p_contact
      and kind in ('missed-call', 'outbound-unanswered') and at >= p_since and at <= p_until)
  where id = p_run
  returning missed_connections into v_count;
  perform ringback_escalate_if_due(p_run, p_location, p_contact, v_count, p_after, p_now);
end $$;
