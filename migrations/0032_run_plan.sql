-- Issue 19, database per missed call: the steps due later wait in their run's row, not as rows and jobs.
--
-- A missed call used to write its whole sequence at once: four step rows and four jobs, three of them for steps
-- due 15 minutes to a day later, each row with its indexes (about 1,800 B a call of the 3,141 B the bench
-- measured). Now a run keeps the steps not due soon in `plan`, a JSON array of [step id, action, due time] in
-- due order, and `plan_due_at`, the first one's due time while the run is active. The worker schedules them a
-- while before they are due (src/followup/plan-feed.ts): their rows and jobs are made then, as the missed call
-- made them before. A run whose plan is not empty has not finished its sequence; a run that ends keeps its plan
-- as the steps it stopped (src/reporting/timeline.ts shows them so) and nothing schedules it any more.
alter table runs add column plan jsonb, add column plan_due_at timestamptz;

-- A run's tagging (its attribution) kept on its own row rather than as a 'tagged' run event: an event row and
-- its two index entries were about 230 B a call for facts the run row has. The tags are the run's source tag
-- and its high value (src/core/attribution.ts attributionTags), the rep is the run's, and only when and how it
-- was routed are new: the timeline reads them as the 'tagged' event it was (src/reporting/timeline.ts). Runs
-- tagged before this keep their event.
alter table runs add column tagged_at timestamptz, add column assigned_via text;
create index runs_plan_due on runs (plan_due_at) where plan_due_at is not null;

-- The run's planned steps due by p_until become step rows and jobs, as the missed call makes them; the rest stay
-- in the plan. The caller holds the run's row lock.
create function ringback_schedule_plan(p_run bigint, p_until timestamptz, p_now timestamptz) returns void
language plpgsql as $$
declare
  v_run record;
  v_rest jsonb;
begin
  select id, location_id, contact_id, status, plan into v_run from runs where id = p_run;
  if v_run.plan is null then
    return;
  end if;
  with entries as (
    select e->>0 as step_id, e->>1 as action, (e->>2)::timestamptz as due_at, ord
    from jsonb_array_elements(v_run.plan) with ordinality as t(e, ord)
  ), steps as (
    insert into run_steps (run_id, location_id, contact_id, step_id, action, due_at)
    select p_run, v_run.location_id, v_run.contact_id, step_id, action, due_at from entries
    where due_at <= p_until order by ord
    on conflict (run_id, step_id) do nothing
    returning id, due_at
  )
  insert into jobs (kind, payload, run_at, unique_key, location_id, created_at, updated_at)
  select 'followup.step', jsonb_build_object('runStepId', id), due_at, 'step:' || id, v_run.location_id, p_now, p_now
  from steps order by id
  on conflict (unique_key) do nothing;
  select jsonb_agg(e order by ord) into v_rest
  from jsonb_array_elements(v_run.plan) with ordinality as t(e, ord)
  where (e->>2)::timestamptz > p_until;
  update runs set plan = v_rest,
                  plan_due_at = case when v_run.status = 'active' then (v_rest->0->>2)::timestamptz end
  where id = p_run;
end $$;

-- Up to p_limit active runs with planned steps due by p_until, each scheduled under its row lock; a run another
-- transaction holds (a step settling) is left to the next round. Returns how many runs it scheduled.
create function ringback_feed_plans(p_until timestamptz, p_now timestamptz, p_limit int) returns int
language plpgsql as $$
declare
  v_id bigint;
  v_n int := 0;
begin
  for v_id in
    select id from runs where plan_due_at <= p_until and status = 'active'
    order by plan_due_at limit p_limit for update skip locked
  loop
    perform ringback_schedule_plan(v_id, p_until, p_now);
    v_n := v_n + 1;
  end loop;
  return v_n;
end $$;

-- The manager's task once a run's missed connections reached the threshold, as ringback_maybe_escalate (0021)
-- makes it after its count: once per run (the step row is unique per run), due at once.
create function ringback_escalate_if_due(
  p_run bigint, p_location text, p_contact text, p_count int, p_after int, p_now timestamptz
) returns void language plpgsql as $$
declare
  v_step bigint;
begin
  if p_count < p_after then
    return;
  end if;
  insert into run_steps (run_id, location_id, contact_id, step_id, action, due_at)
  values (p_run, p_location, p_contact, 'escalation', 'escalation', p_now)
  on conflict (run_id, step_id) do nothing
  returning id into v_step;
  if v_step is null then
    return;
  end if;
  insert into jobs (kind, payload, run_at, unique_key, location_id, created_at, updated_at)
  values ('followup.step', jsonb_build_object('runStepId', v_step), p_now, 'step:' || v_step, p_location, p_now, p_now)
  on conflict (unique_key) do nothing;
  insert into run_events (run_id, at, kind, detail)
  values (p_run, p_now, 'escalation-due', jsonb_build_object('missedConnections', p_count));
end $$;

-- The missed call as 0029 defines it; p.later: the steps due later, [[step id, action, due time], ...] in due
-- order, kept in the new run's plan; p_plan: the steps due soon, made now as before. The missed connections are
-- counted before the run is written, and a joined run's count updated then, with its row lock. No 'missed-call'
-- or 'repeat-call' run event: the call's row is its timeline entry; p.foundBy: 'sweep' when the sweep found it.
create or replace function ringback_missed_call_effects(p jsonb, p_plan jsonb) returns jsonb
language plpgsql as $$
declare
  v_location text := p->>'locationId';
  v_contact text := p->>'contactId';
  v_at timestamptz := (p->>'at')::timestamptz;
  v_now timestamptz := (p->>'now')::timestamptz;
  v_md5 text;
  v_run bigint;
  v_created boolean := false;
  v_booked record;
  v_latest record;
  v_job jsonb;
  v_count integer;
begin
  -- The settings first, before anything is claimed: a stale plan changes nothing and is made again.
  select settings_md5 into v_md5 from location_settings where location_id = v_location;
  if v_md5 is distinct from p->>'settingsMd5' then
    return jsonb_build_object('outcome', 'stale');
  end if;
  if p->>'webhookId' is not null then
    update webhook_inbox set processed_at = v_now, error = null
    where webhook_id = p->>'webhookId' and processed_at is null;
    if not found then
      return jsonb_build_object('outcome', 'done');
    end if;
  end if;
  perform 1 from installations where location_id = v_location and status = 'installed';
  if not found then
    return jsonb_build_object('outcome', 'not-installed');
  end if;
  -- A call is recorded once, by GHL's message id, whether its webhook or the sweep brought it.
  insert into contact_events (location_id, contact_id, kind, at, ref, detail)
  values (v_location, v_contact, 'missed-call', v_at, p->>'messageId', p->'detail')
  on conflict (location_id, kind, ref) where ref is not null do nothing;
  if not found then
    return jsonb_build_object('outcome', 'repeat');
  end if;

  -- Missed connections in the escalation window, this call's included (ringback_maybe_escalate's count): a new run
  -- is written with it, rather than written and then updated.
  select count(*)::int into v_count from contact_events
  where location_id = v_location and contact_id = v_contact and kind in ('missed-call', 'outbound-unanswered')
    and at >= (p->>'escalateSince')::timestamptz and at <= greatest(v_now, v_at);

  -- One active run per contact: the partial unique index decides between two workers.
  -- The steps due later wait in the run's plan (a run that is off gets none: it ends at once, with no steps).
  insert into runs (location_id, contact_id, status, started_at, created_at, updated_at,
                    source_tag, tracking_number, caller_phone, high_value, plan, plan_due_at, missed_connections)
  values (v_location, v_contact, 'active', v_at, v_now, v_now,
          p->>'sourceTag', p->>'trackingNumber', p->>'from', (p->>'highValue')::boolean,
          case when (p->>'enabled')::boolean then nullif(p->'later', '[]'::jsonb) end,
          case when (p->>'enabled')::boolean then (p->'later'->0->>2)::timestamptz end, v_count)
  on conflict (location_id, contact_id) where status = 'active' do nothing
  returning id into v_run;
  if v_run is null then
    update runs set missed_connections = v_count
    where location_id = v_location and contact_id = v_contact and status = 'active'
    returning id into v_run;
    if v_run is null then
      raise exception 'active run vanished while joining it';
    end if;
  else
    v_created := true;
  end if;

  -- The call's row is also its entry on the run's timeline (src/reporting/call-entries.ts): no run event repeats
  -- it. found_by (whether the sweep found the call) is the column migrations/0033 adds, in the same migration run.
  insert into missed_calls (location_id, contact_id, run_id, message_id, called_at, tracking_number, caller_number,
                            source_tag, high_value, call_status, voicemail_url, conversation_id, created_at, found_by)
  values (v_location, v_contact, v_run, p->>'messageId', v_at, p->>'trackingNumber', p->>'from',
          p->>'sourceTag', (p->>'highValue')::boolean, p->>'status', p->>'voicemailUrl', p->>'conversationId',
          v_now, p->>'foundBy');

  if v_created then
    if not (p->>'enabled')::boolean then
      perform ringback_end_run(v_run, 'suppressed', 'disabled', v_now);
      return jsonb_build_object('outcome', 'started', 'runId', v_run);
    end if;
    -- The steps due soon (p_plan): each step row and its job (the job's unique key is the step's id).
    with planned as (
      select * from jsonb_to_recordset(p_plan) as x(ord int, step_id text, action text, due_at timestamptz)
    ), steps as (
      insert into run_steps (run_id, location_id, contact_id, step_id, action, due_at)
      select v_run, v_location, v_contact, step_id, action, due_at from planned order by ord
      on conflict (run_id, step_id) do nothing
      returning id, due_at
    )
    insert into jobs (kind, payload, run_at, unique_key, location_id, created_at, updated_at)
    select 'followup.step', jsonb_build_object('runStepId', id), due_at, 'step:' || id, v_location, v_now, v_now
    from steps order by id
    on conflict (unique_key) do nothing;
    -- With p.handOffWorker (a worker of this process kept a slot for it) the job is born claimed by that
    -- worker, as its claim would mark it, and comes back to be run at once: no claim, no wake-up.
    insert into jobs (kind, payload, run_at, unique_key, location_id, created_at, updated_at,
                      state, locked_by, locked_at, attempts)
    -- What the attribution job calls GHL with, so that it reads nothing before (attribute-job.ts).
    values ('followup.attribute',
            jsonb_build_object('runId', v_run, 'locationId', v_location, 'contactId', v_contact,
                               'sourceTag', p->'sourceTag', 'trackingNumber', p->'trackingNumber',
                               'highValue', (p->>'highValue')::boolean),
            v_now, 'attribute:' || v_run, v_location, v_now, v_now,
            case when p->>'handOffWorker' is null then 'pending' else 'running' end, p->>'handOffWorker',
            case when p->>'handOffWorker' is not null then v_now end,
            case when p->>'handOffWorker' is null then 0 else 1 end)
    on conflict (unique_key) do nothing
    returning jsonb_build_object('id', id, 'kind', kind, 'payload', payload, 'attempts', attempts,
                                 'max_attempts', max_attempts, 'location_id', location_id, 'run_at', run_at)
      into v_job;
  end if;

  perform ringback_escalate_if_due(v_run, v_location, v_contact, v_count, (p->>'escalateAfter')::int, v_now);

  -- GHL's Voice AI may have booked this caller before the call's own event came: recovered at once, so no
  -- apology is ever due (the run ends as recoverLatestRun in runs.ts ends it).
  select * into v_booked from voice_ai_calls
  where location_id = v_location and contact_id = v_contact and outcome = 'booked'
    and started_at >= (p->>'voiceAiFrom')::timestamptz and started_at <= (p->>'voiceAiTo')::timestamptz
  limit 1;
  if found then
    insert into run_events (run_id, at, kind, detail)
    values (v_run, greatest(v_booked.ended_at, v_at), 'voice-ai',
            jsonb_build_object('outcome', 'booked', 'text', p->>'voiceAiText'));
    select id, status, outcome into v_latest from runs
    where location_id = v_location and contact_id = v_contact
      and started_at <= greatest(v_booked.ended_at, v_at)
      and started_at >= greatest(v_booked.ended_at, v_at) - interval '72 hours'
    order by started_at desc limit 1 for update;
    if found and v_latest.status = 'active' then
      perform ringback_end_run(v_latest.id, 'recovered', 'voice-ai', greatest(v_booked.ended_at, v_at));
    end if;
  end if;
  return jsonb_build_object('outcome', case when v_created then 'started' else 'joined' end, 'runId', v_run,
                            'handedOff', case when p->>'handOffWorker' is not null then v_job end);
end $$;

-- The attribution as 0029 defines it; its tagging kept on the run; a high-value lead's callback task still in the
-- plan is brought forward.
create or replace function ringback_attribute_run(p jsonb) returns jsonb
language plpgsql as $$
declare
  v_run_id bigint := (p->>'runId')::bigint;
  v_now timestamptz := (p->>'now')::timestamptz;
  v_run record;
  v_md5 text;
  v_user text;
  v_via text;
  v_slot integer;
  v_size integer;
  v_step record;
  v_job jsonb;
begin
  select * into v_run from runs where id = v_run_id for update;
  if not found then
    perform ringback_job_done((p->>'jobId')::bigint, p->>'workerId', v_now);
    return jsonb_build_object('outcome', 'gone');
  end if;
  select settings_md5 into v_md5 from location_settings where location_id = v_run.location_id;
  if v_md5 is distinct from p->>'settingsMd5' then
    return jsonb_build_object('outcome', 'stale');
  end if;
  select md5(string_agg(user_id, ',' order by user_id collate "C")) into v_md5
  from removed_users where location_id = v_run.location_id;
  if v_md5 is distinct from p->>'removedMd5' then
    return jsonb_build_object('outcome', 'stale');
  end if;

  if v_run.assigned_user_id is not null then
    v_via := 'kept';
  elsif jsonb_typeof(p->'pool') is distinct from 'object' then
    v_via := 'none';
  else
    v_via := p->'pool'->>'via';
    if (p->'pool'->>'takesTurns')::boolean then
      -- Each list takes turns on its own pointer; two workers assigning at once get consecutive slots.
      insert into round_robin (location_id, pool, next_index) values (v_run.location_id, p->'pool'->>'key', 1)
      on conflict (location_id, pool) do update set next_index = round_robin.next_index + 1
      returning next_index - 1 into v_slot;
      v_size := jsonb_array_length(p->'pool'->'members');
      v_user := p->'pool'->'members'->>(((v_slot % v_size) + v_size) % v_size);
    else
      v_user := p->'pool'->>'userId';
    end if;
  end if;

  -- The tagging is kept on the run (the timeline reads it as its 'tagged' event), not as an event row.
  update runs set high_value = (p->>'highValue')::boolean, contact_name = p->>'contactName',
                  assigned_user_id = coalesce(v_user, assigned_user_id), updated_at = v_now,
                  tagged_at = v_now, assigned_via = v_via
  where id = v_run_id;
  -- A lead that turned out high-value (its contact's tags) gets its callback task now.
  if (p->>'highValue')::boolean and not v_run.high_value then
    for v_step in
      update run_steps set due_at = v_now
      where run_id = v_run_id and action = 'task' and state = 'pending' and due_at > v_now
      returning id
    loop
      update jobs set run_at = v_now, updated_at = v_now where unique_key = 'step:' || v_step.id and state = 'pending';
    end loop;
    -- A task still in the plan is due now and scheduled now, with its row and job.
    if v_run.plan is not null and v_run.status = 'active' then
      update runs set plan = (
          select jsonb_agg(x.e order by (x.e->>2)::timestamptz, x.ord) from (
            select case when e->>1 = 'task' and (e->>2)::timestamptz > v_now
                        then jsonb_build_array(e->0, e->1, v_now) else e end as e, ord
            from jsonb_array_elements(v_run.plan) with ordinality as t(e, ord)) x)
      where id = v_run_id;
      perform ringback_schedule_plan(v_run_id, v_now, v_now);
    end if;
  end if;
  perform ringback_job_done((p->>'jobId')::bigint, p->>'workerId', v_now);
  -- With p.handOffWorker, the run's step that is due now (the first text when it is due at once) is claimed for
  -- that worker as its claim would, and comes back to be run at once.
  if p->>'handOffWorker' is not null then
    update jobs set state = 'running', locked_by = p->>'handOffWorker', locked_at = v_now,
                    attempts = attempts + 1, updated_at = v_now
    where id = (select j.id from run_steps s join jobs j on j.unique_key = 'step:' || s.id
                where s.run_id = v_run_id and s.state = 'pending' and j.state = 'pending' and j.run_at <= v_now
                order by j.run_at, j.id limit 1 for update of j skip locked)
    returning jsonb_build_object('id', id, 'kind', kind, 'payload', payload, 'attempts', attempts,
                                 'max_attempts', max_attempts, 'location_id', location_id, 'run_at', run_at)
      into v_job;
  end if;
  return jsonb_build_object('outcome', 'done', 'assignedTo', coalesce(v_user, v_run.assigned_user_id), 'via', v_via,
                            'handedOff', v_job);
end $$;

-- The rule as 0023 defines it; a run with steps left in its plan has not ended its sequence.
create or replace function ringback_run_end_rule(p_run bigint, p_stop text, out end_outcome text, out end_reason text)
language plpgsql as $$
declare
  open_steps integer;
  messages integer;
  skipped integer;
  opted_out integer;
begin
  case p_stop
    when 'answered' then end_outcome := 'recovered'; end_reason := 'connected'; return;
    when 'replied' then end_outcome := 'recovered'; end_reason := 'replied'; return;
    when 'booked' then end_outcome := 'recovered'; end_reason := 'booked'; return;
    when 'task-completed' then end_outcome := 'recovered'; end_reason := 'callback-completed'; return;
    -- The team called back but did not connect: the sequence hands over to humans; a later connection within
    -- 72 h still turns the run recovered (runs.ts, recoverLatestRun).
    when 'call-returned' then end_outcome := 'lost'; end_reason := 'call-returned'; return;
    when 'opted-out' then end_outcome := 'suppressed'; end_reason := 'opted-out'; return;
    when 'disabled' then end_outcome := 'suppressed'; end_reason := 'disabled'; return;
    when 'uninstalled' then end_outcome := 'suppressed'; end_reason := 'uninstalled'; return;
    -- Met outside any step: the install GHL revoked, the contact GHL deleted, a reply saying it is the wrong number.
    when 'install-revoked' then end_outcome := 'suppressed'; end_reason := 'install-revoked'; return;
    when 'contact-deleted' then end_outcome := 'suppressed'; end_reason := 'contact-deleted'; return;
    when 'wrong-number' then end_outcome := 'suppressed'; end_reason := 'wrong-number'; return;
    else null; -- 'run-stopped', or no stop: the sequence decides below
  end case;
  -- Escalations are outside the sequence: a manager task neither keeps a run open nor counts as a message.
  select count(*) filter (where state in ('pending', 'sending')),
         count(*) filter (where action in ('sms', 'email')),
         count(*) filter (where action in ('sms', 'email') and state = 'skipped'),
         count(*) filter (where action in ('sms', 'email') and coalesce(reason, '') like 'opted-out%')
  into open_steps, messages, skipped, opted_out
  from run_steps where run_id = p_run and action <> 'escalation';
  -- Steps still in the plan are open too: the sequence has not ended while one of them is to come.
  if open_steps > 0 or exists (select 1 from runs where id = p_run and plan is not null) then
    return;
  end if;
  -- Every step reached a final state: suppressed when no text or email could go out (all skipped, for an
  -- opt-out or DND), otherwise lost: the sequence ended without the lead coming back.
  if messages = 0 or skipped < messages then
    end_outcome := 'lost'; end_reason := 'sequence-ended';
  elsif opted_out > 0 then
    end_outcome := 'suppressed'; end_reason := 'opted-out';
  else
    end_outcome := 'suppressed'; end_reason := 'dnd';
  end if;
end $$;

-- A run's end as 0025 defines it; its plan is no longer scheduled.
create or replace function ringback_end_run(p_run bigint, p_outcome text, p_reason text, p_at timestamptz)
returns boolean language plpgsql as $$
begin
  -- The plan stays, as the steps the run stopped (the timeline shows them so); nothing schedules it any more.
  update runs set status = 'ended', outcome = p_outcome, outcome_reason = p_reason, outcome_at = p_at, updated_at = p_at,
                  plan_due_at = null
  where id = p_run and status = 'active';
  if not found then
    return false;
  end if;
  with stopped as (
    update run_steps set state = 'stopped', reason = 'run ' || p_outcome || ': ' || p_reason, done_at = p_at
    where run_id = p_run and state = 'pending' and not (step_id = 'booking-link' and p_outcome = 'recovered')
    returning id
  )
  update jobs set state = 'done', finished_at = p_at, updated_at = p_at
  where unique_key in (select 'step:' || id from stopped) and state = 'pending';
  insert into run_events (run_id, at, kind, detail)
  values (p_run, p_at, 'run-ended', jsonb_build_object('outcome', p_outcome, 'reason', p_reason));
  return true;
end $$;
