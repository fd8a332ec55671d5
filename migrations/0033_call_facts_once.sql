-- A missed call's facts kept once after RETENTION_INBOX_DAYS (src/retention/retention.ts, issue 19). The
-- 'missed-call' and 'repeat-call' run events say what the call's missed_calls row says (status, line, source): the
-- timeline builds those entries from the row (src/reporting/call-entries.ts), so retention deletes the events like
-- the 'sent' and 'run-ended' ones (0027). The call's 'missed-call' contact event goes too, once no escalation count
-- can reach it any more; the sweep reads missed_calls for the calls it already knows (docs/ghl-reconciliation.md).
--
-- Whether the sweep found the call (the timeline's "found by" note) was said by the run event alone.
alter table missed_calls add column found_by text;
update missed_calls m set found_by = 'sweep'
from run_events e
where e.run_id = m.run_id and e.at = m.called_at and e.kind in ('missed-call', 'repeat-call') and e.detail ? 'via';

-- As in 0026 and 0027, a partial index holds only what retention has still to delete; it empties as it deletes.
create index run_events_calls on run_events (at) where kind in ('missed-call', 'repeat-call');
-- By location: each location's cutoff is its own (its escalation window), so each scan reads only what goes.
create index contact_events_calls on contact_events (location_id, at) where kind = 'missed-call';
