-- Issue 19, database per missed call once retention has run: a finished run's steps and events fold into its row.
--
-- A run that ended more than RETENTION_INBOX_DAYS ago has nothing left to change in its steps and events, and
-- nobody reads them but the call log's timeline and the setup check's count of texts. Kept as rows they cost
-- about 200 B each in row and index overhead (id, run, copies of the location and contact, the unique key, the
-- partial indexes) around a few words. Retention (src/retention/retention.ts) folds them into `archive`, the
-- timeline (src/reporting/timeline-archive.ts) reads them from there, and the rows go.
--
-- `archive` is `json` (stored as its text), not `jsonb`: jsonb spends 4 bytes of header on every element and
-- aligns every number to 4 bytes, where a run's record is about 40 small elements. Its shape:
--   [[step, ...], [event, ...]]
--   step:  [step id, action, state, due, done, words, reason, intent]
--   event: [kind, at, detail, step id]
-- times in milliseconds (whole numbers, exact to what the timeline shows) since the run's started_at, a step's
-- done and intent times since its due time (most steps are done when due: 0), words as
-- retention's trim keeps them (501 characters at most), trailing nulls left out, an empty detail ({}) too.
alter table runs add column archive json;

-- Ended runs not archived yet, by their end: retention finds the ones past the period without reading the table.
-- An archived run leaves the index, so it holds only the runs of the last RETENTION_INBOX_DAYS and a few more.
create index runs_to_archive on runs (outcome_at) where status = 'ended' and archive is null;

-- A JSON array of elements already written as JSON (null for none), its trailing nulls left out.
create function ringback_json_tuple(variadic p text[]) returns text
language sql immutable as $$
  select '[' || coalesce(string_agg(coalesce(e, 'null'), ',' order by i), '') || ']'
  from unnest(p) with ordinality as t(e, i)
  where i <= coalesce((select max(j) from unnest(p) with ordinality as u(f, j) where f is not null), 0)
$$;

-- Milliseconds from p_from to p_at as the application reads both (pg truncates a timestamp to the millisecond).
create function ringback_ms_after(p_at timestamptz, p_from timestamptz) returns bigint
language sql immutable as $$
  select (floor(extract(epoch from p_at) * 1000) - floor(extract(epoch from p_from) * 1000))::bigint
$$;
