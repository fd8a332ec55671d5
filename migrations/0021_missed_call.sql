-- A job recorded done by the statement that did its work (src/jobs/registry.ts, RECORDED): as the worker's own
-- completion records it (jobs/queries.ts completeJobs), and only while the worker still holds it.
create function ringback_job_done(p_job bigint, p_worker text, p_at timestamptz) returns void
language sql as $$
  update jobs set state = 'done', locked_by = null, locked_at = null, finished_at = p_at, updated_at = p_at
  where id = p_job and locked_by = p_worker and state = 'running';
$$;

-- The manager's task at the threshold of missed connections (missed calls and unanswered callbacks) between
-- p_since and p_until: once per run (the step row is unique per run), due at once. The count is kept on the run.
create function ringback_maybe_escalate(
  p_run bigint, p_location text, p_contact text, p_since timestamptz, p_until timestamptz, p_after int,
  p_now timestamptz
) returns void language plpgsql as $$
declare
  v_count integer;
  v_step bigint;
begin
  update runs set missed_connections = (
    select count(*)::int from contact_events
    where location_id = p_location and contact_id = p_contact
      and kind in ('missed-call', 'outbound-unanswered') and at >= p_since and at <= p_until)
  where id = p_run
  returning missed_connections into v_count;
  if v_count < p_after then
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
  values (p_run, p_now, 'escalation-due', jsonb_build_object('missedConnections', v_count));
end $$;

-- A missed call in one statement (issue 19). Before, processing one took about fifteen round trips inside its
-- transaction (claim the webhook, read the settings, record the call, start or join the run, record it on the
-- run, schedule the sequence, queue the attribution, recount missed connections, look for a Voice AI booking),
-- each one small. The decisions that need the settings (the line dialled, the steps' due times, the escalation
-- threshold) are still made in TypeScript, from a cached copy of the settings; this function refuses to act on
-- a copy that is no longer current ('stale'), so the caller reads the settings again and retries, and a change
-- saved on the page applies to the next call exactly as before, on every instance.
--
-- p: webhookId (null when the caller's own transaction claims: the sweep), locationId, contactId, messageId,
-- at, now, settingsMd5 (md5 of the settings document the plan was made from; null: no document saved, the
-- defaults), enabled, detail (the contact event's), status, from, trackingNumber, sourceTag, highValue,
-- voicemailUrl, conversationId, runDetail (the run event's), escalateAfter, escalateSince, voiceAiFrom, voiceAiTo, voiceAiText.
-- p_plan: the sequence's steps for this call, [{ord, step_id, action, due_at}].
-- Returns {outcome: 'stale' | 'done' | 'not-installed' | 'repeat' | 'started' | 'joined', runId}.
create function ringback_missed_call_effects(p jsonb, p_plan jsonb) returns jsonb
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
begin
  -- The settings first, before anything is claimed: a stale plan changes nothing and is made again.
  select md5(settings::text) into v_md5 from location_settings where location_id = v_location;
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

  -- One active run per contact: the partial unique index decides between two workers.
  insert into runs (location_id, contact_id, status, started_at, created_at, updated_at,
                    source_tag, tracking_number, caller_phone, high_value)
  values (v_location, v_contact, 'active', v_at, v_now, v_now,
          p->>'sourceTag', p->>'trackingNumber', p->>'from', (p->>'highValue')::boolean)
  on conflict (location_id, contact_id) where status = 'active' do nothing
  returning id into v_run;
  if v_run is null then
    select id into v_run from runs
    where location_id = v_location and contact_id = v_contact and status = 'active' for update;
    if v_run is null then
      raise exception 'active run vanished while joining it';
    end if;
  else
    v_created := true;
  end if;

  insert into missed_calls (location_id, contact_id, run_id, message_id, called_at, tracking_number, caller_number,
                            source_tag, high_value, call_status, voicemail_url, conversation_id, created_at)
  values (v_location, v_contact, v_run, p->>'messageId', v_at, p->>'trackingNumber', p->>'from',
          p->>'sourceTag', (p->>'highValue')::boolean, p->>'status', p->>'voicemailUrl', p->>'conversationId',
          v_now);
  insert into run_events (run_id, at, kind, detail)
  values (v_run, v_at, case when v_created then 'missed-call' else 'repeat-call' end, p->'runDetail');

  if v_created then
    if not (p->>'enabled')::boolean then
      perform ringback_end_run(v_run, 'suppressed', 'disabled', v_now);
      return jsonb_build_object('outcome', 'started', 'runId', v_run);
    end if;
    -- The whole sequence: each step row and its job (the job's unique key is the step's id).
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
    insert into jobs (kind, payload, run_at, unique_key, location_id, created_at, updated_at)
    -- What the attribution job calls GHL with, so that it reads nothing before (attribute-job.ts).
    values ('followup.attribute',
            jsonb_build_object('runId', v_run, 'locationId', v_location, 'contactId', v_contact,
                               'sourceTag', p->'sourceTag', 'trackingNumber', p->'trackingNumber',
                               'highValue', (p->>'highValue')::boolean),
            v_now, 'attribute:' || v_run, v_location, v_now, v_now)
    on conflict (unique_key) do nothing;
  end if;

  perform ringback_maybe_escalate(v_run, v_location, v_contact, (p->>'escalateSince')::timestamptz,
                                  greatest(v_now, v_at), (p->>'escalateAfter')::int, v_now);

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
  return jsonb_build_object('outcome', case when v_created then 'started' else 'joined' end, 'runId', v_run);
end $$;

-- The missed call's effects and, for the webhook's job (p: jobId, workerId), the job recorded done with them.
create function ringback_missed_call(p jsonb, p_plan jsonb) returns jsonb
language plpgsql as $$
declare
  r jsonb := ringback_missed_call_effects(p, p_plan);
begin
  if r->>'outcome' <> 'stale' and p->>'jobId' is not null then
    perform ringback_job_done((p->>'jobId')::bigint, p->>'workerId', (p->>'now')::timestamptz);
  end if;
  return r;
end $$;

-- A run's attribution after GHL tagged the contact (attribute-job.ts): its rep chosen, whether it is high-value,
-- the caller's name, the 'tagged' event, and a high-value lead's callback task brought forward; one statement.
-- Who may get the task is decided in TypeScript from copies of the settings and of the reps GHL deleted; their md5s
-- are checked here as ringback_missed_call checks the settings ('stale': read them again and retry).
-- p: runId, jobId, workerId, now, settingsMd5, removedMd5, highValue, contactName, tags, pool: null (nobody) or {via, takesTurns,
-- userId (no turn), members and key (the pointer of the list that takes turns)}.
-- Returns {outcome: 'stale' | 'gone' | 'done', assignedTo, via}.
create function ringback_attribute_run(p jsonb) returns jsonb
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
begin
  select * into v_run from runs where id = v_run_id for update;
  if not found then
    perform ringback_job_done((p->>'jobId')::bigint, p->>'workerId', v_now);
    return jsonb_build_object('outcome', 'gone');
  end if;
  select md5(settings::text) into v_md5 from location_settings where location_id = v_run.location_id;
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

  update runs set high_value = (p->>'highValue')::boolean, contact_name = p->>'contactName',
                  assigned_user_id = coalesce(v_user, assigned_user_id), updated_at = v_now
  where id = v_run_id;
  insert into run_events (run_id, at, kind, detail)
  values (v_run_id, v_now, 'tagged', jsonb_build_object('tags', p->'tags',
          'assignedTo', coalesce(v_user, v_run.assigned_user_id), 'via', v_via));
  -- A lead that turned out high-value (its contact's tags) gets its callback task now.
  if (p->>'highValue')::boolean and not v_run.high_value then
    for v_step in
      update run_steps set due_at = v_now
      where run_id = v_run_id and action = 'task' and state = 'pending' and due_at > v_now
      returning id
    loop
      update jobs set run_at = v_now, updated_at = v_now where unique_key = 'step:' || v_step.id and state = 'pending';
    end loop;
  end if;
  perform ringback_job_done((p->>'jobId')::bigint, p->>'workerId', v_now);
  return jsonb_build_object('outcome', 'done', 'assignedTo', coalesce(v_user, v_run.assigned_user_id), 'via', v_via);
end $$;
