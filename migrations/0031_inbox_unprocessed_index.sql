-- The partial index of unprocessed webhooks (0002) goes. Nothing of Ringback's reads by it: a webhook is found by
-- its id, and one not yet processed also has its processing job, pending or running, which the job engine's own
-- indexes find. It cost each webhook with a job an index entry at its store, and with processed_at in its
-- predicate, marking a webhook processed could never be a HOT update. The mark's execution time in the end-to-end
-- bench at 250 missed calls/s (pg_stat_statements, one run each): 0.038 -> 0.025 ms (issue 19).
drop index if exists webhook_inbox_unprocessed;
