-- Claim lanes (src/jobs/lanes.ts): webhook processing is claimed apart from the jobs that call GHL, so a GHL
-- outage (steps waiting out timeouts, backlogs retrying) never delays intake. Each lane's claim reads its own
-- partial index; their predicates repeat the lane's literal kinds, which is how the planner matches them.
create index jobs_due_intake on jobs (run_at, id) where state = 'pending' and kind = 'webhook.process';
create index jobs_due_outbound on jobs (run_at, id) where state = 'pending' and kind <> 'webhook.process';
drop index jobs_due;
