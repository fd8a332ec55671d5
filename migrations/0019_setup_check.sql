-- The setup checker (docs/design.md, GET /api/setup-check) asks for a test call in the last 30 days: the last
-- dry run of the location is kept here. The call log names callers instead of showing ids: the contact's name is
-- kept on its run when Ringback reads the contact from GHL (the attribution job).
alter table location_profiles add column test_call_at timestamptz;
alter table runs add column contact_name text;
