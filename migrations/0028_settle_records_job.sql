-- A step's settle that also records its job done (src/jobs/registry.ts RECORDED), as ringback_missed_call does
-- for its webhook's job: the worker's completion statement was a third of a round trip per missed call in the
-- end-to-end bench (issue 19). Only while the worker still holds the job, as every completion.
create function ringback_settle_step(
  p_step bigint, p_from text, p_to text, p_reason text, p_ghl_id text, p_event text, p_detail jsonb,
  p_at timestamptz, p_rest_checked boolean, p_stop text, p_job bigint, p_worker text
) returns boolean language plpgsql as $$
declare
  v_settled boolean := ringback_settle_step(p_step, p_from, p_to, p_reason, p_ghl_id, p_event, p_detail, p_at,
                                            p_rest_checked, p_stop);
begin
  perform ringback_job_done(p_job, p_worker, p_at);
  return v_settled;
end $$;
