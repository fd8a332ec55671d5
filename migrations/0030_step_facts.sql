-- Everything a step decides on (src/followup/step-facts.ts), as one function: the outbound lane's claim returns
-- it with each step job it claims, and a step handed off comes with it, so a step spends no round trip of its
-- own on reading it (one of its three, with the intent and the settle). p_match_before_secs: how long before the
-- run a Voice AI call may have started and still be this caller's (src/followup/voice-ai.ts MATCH_BEFORE_MS).
-- Null when the step is gone. Volatile, not stable: called in the statement that just assigned the run's rep
-- (src/followup/attribute-job.ts), it must read with a snapshot of its own, which sees that change.
create function ringback_step_facts(p_step bigint, p_now timestamptz, p_match_before_secs double precision)
returns jsonb language plpgsql volatile as $$
begin
  return (
    select jsonb_build_object(
      'step', to_jsonb(s), 'run', to_jsonb(r),
      'siblings', (select coalesce(jsonb_agg(jsonb_build_object('id', x.id, 'step_id', x.step_id, 'action', x.action,
                     'state', x.state, 'ghl_id', x.ghl_id, 'done_at', x.done_at) order by x.due_at, x.id), '[]'::jsonb)
                   from run_steps x where x.run_id = r.id),
      'flags', (select jsonb_build_object('sms_opted_out', f.sms_opted_out_at is not null,
                  'not_textable', f.not_textable_at is not null, 'sms_held', f.sms_held_at is not null,
                  'email_opted_out', f.email_opted_out_at is not null)
                from contact_flags f where f.location_id = r.location_id and f.contact_id = r.contact_id),
      'touches', (select coalesce(jsonb_agg(coalesce(t.done_at, t.intent_at)), '[]'::jsonb) from run_steps t
                  where t.location_id = r.location_id and t.contact_id = r.contact_id and t.action = 'sms'
                    and t.id <> s.id
                    and ((t.state = 'done' and t.done_at > p_now - interval '1 day') or t.state = 'sending')),
      'voicemail_url', (select m.voicemail_url from missed_calls m where m.run_id = r.id and m.voicemail_url is not null
                        order by m.called_at desc limit 1),
      'history', (select coalesce(jsonb_agg(jsonb_build_object('kind', e.kind, 'ref', e.ref, 'at', e.at)), '[]'::jsonb)
                  from contact_events e
                  where e.location_id = r.location_id and e.contact_id = r.contact_id and e.at >= r.started_at),
      'settings', (select ls.settings::text from location_settings ls where ls.location_id = s.location_id),
      'business_address', (select p.business_address from location_profiles p where p.location_id = s.location_id),
      'voice_ai_uses', exists(select 1 from voice_ai_calls v where v.location_id = r.location_id
                                and v.received_at >= p_now - interval '30 days'),
      'voice_ai_call', (select jsonb_build_object('outcome', v.outcome, 'summary', v.summary) from voice_ai_calls v
                        where v.location_id = r.location_id and v.contact_id = r.contact_id
                          and v.started_at >= r.started_at - make_interval(secs => p_match_before_secs)
                        order by v.started_at desc limit 1),
      'install_status', i.status, 'timezone', i.timezone, 'name', i.name)
    from run_steps s
    join runs r on r.id = s.run_id
    left join installations i on i.location_id = s.location_id
    where s.id = p_step);
end $$;
