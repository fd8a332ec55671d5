-- Steps gained a `purpose` (informational or marketing; docs/compliance-hours.md, "Consent"). A document saved
-- before it reads every step as informational; the default last SMS ("still interested? book a time") sells,
-- so where a stored document still has it without a purpose it becomes marketing.
update location_settings
set settings = jsonb_set(settings, '{sequence}', (
  select jsonb_agg(
           case when step->>'id' = 'final-sms' and step->>'action' = 'sms' and not (step ? 'purpose')
                then step || '{"purpose": "marketing"}'::jsonb else step end
           order by position)
  from jsonb_array_elements(settings->'sequence') with ordinality as e(step, position)))
where jsonb_typeof(settings->'sequence') = 'array'
  and settings->'sequence' @> '[{"id": "final-sms"}]'::jsonb;
