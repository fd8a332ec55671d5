-- Retention of a run's record (src/retention/retention.ts, issue 19): after RETENTION_INBOX_DAYS a finished step
-- keeps of its rendered content only the words the timeline shows, and a step's 'sent' event (which repeats the
-- step row: its action, GHL's id, the same words) goes. Each partial index holds only the rows retention has still
-- to trim, so it finds them without reading the tables, and it empties as they are trimmed.
create index run_steps_rendered_full on run_steps (done_at) where rendered ? 'action';
create index run_events_sent on run_events (at) where kind = 'sent';
