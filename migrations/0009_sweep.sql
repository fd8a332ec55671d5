-- The lost-webhook sweep (docs/ghl-reconciliation.md): GHL drops any webhook not answered 2xx or 429, so each
-- location's call messages are read back through the API every few minutes. swept_until is the watermark: the
-- next sweep starts a little before it. A location without a row starts at its install time.
create table location_sweeps (
  location_id text primary key,
  swept_until timestamptz not null,
  swept_at timestamptz not null,
  -- The last sweep's missed calls Ringback had not seen, and the GHL requests it made.
  found integer not null default 0,
  requests integer not null default 0
);

-- An OutboundMessage is recognised as Ringback's own by the message id its send returned (run_steps.ghl_id);
-- TaskComplete finds its step the same way.
create index run_steps_ghl_id on run_steps (ghl_id) where ghl_id is not null;
