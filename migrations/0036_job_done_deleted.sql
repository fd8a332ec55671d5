-- A job whose own statement records its work (the missed call's webhook, the attribution, a step's settle:
-- ringback_job_done's callers) is deleted when done instead of kept as a 'done' row. Its work is recorded in
-- the rows that statement wrote (the inbox's processed mark, the run, the step), and nothing reads such a job
-- once done: its unique key guards nothing after it (each is made once, by the statement that makes its inbox
-- row, run or step row). Marking it done rewrote the row with a new entry in the primary key and the unique key
-- (the state moves it out of the partial indexes, so the update is never HOT), and the rows stayed for retention
-- to delete 7 days later: in the end-to-end bench (issue 19) the update took 0.16 ms and 37 buffer pages, three
-- times per missed call, the delete 0.06 ms and 28. Jobs recorded done by the worker (src/jobs/queries.ts
-- completeJobs: the sweep, whose done row rearms it, the digest, the other webhooks) keep their row.
create or replace function ringback_job_done(p_job bigint, p_worker text, p_at timestamptz) returns void
language plpgsql as $$
begin
  delete from jobs where id = p_job and locked_by = p_worker and state = 'running';
end $$;
