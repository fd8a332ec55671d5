-- More of what retention trims after RETENTION_INBOX_DAYS (src/retention/retention.ts, issue 19): a run's
-- 'run-ended' event, which says what the run row says (outcome, reason), goes like the 'sent' events (0026), and a
-- missed call's contact event keeps its key (kind, GHL's message id, time) but not its detail (the numbers and
-- status the missed_calls row holds). As in 0026, each partial index holds only the rows still to trim.
create index run_events_repeated on run_events (at) where kind in ('sent', 'run-ended');
drop index run_events_sent;
create index contact_events_call_detail on contact_events (at) where kind = 'missed-call' and detail <> '{}'::jsonb;
