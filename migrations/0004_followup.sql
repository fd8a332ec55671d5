-- The follow-up engine: runs (one active per contact and location), the missed calls that started or joined
-- them, each step's state, a timeline, and the contact history the stop conditions read.

create table runs (
  id bigserial primary key,
  location_id text not null,
  contact_id text not null,
  status text not null check (status in ('active', 'ended')),
  -- recovered: connected, replied or booked; lost: sequence ended with nothing; suppressed: never allowed to run.
  outcome text check (outcome in ('recovered', 'lost', 'suppressed')),
  outcome_reason text,
  outcome_at timestamptz,
  started_at timestamptz not null,
  source_tag text,
  tracking_number text,
  caller_phone text,
  high_value boolean not null default false,
  assigned_user_id text,
  missed_connections integer not null default 1,
  escalated_at timestamptz,
  first_followup_at timestamptz,
  first_human_contact_at timestamptz,
  -- When a step last asked GHL what happened since the call (the fallback for lost webhooks).
  rest_checked_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  check ((status = 'active') = (outcome is null) or outcome = 'recovered')
);

-- Repeat callers never get a second sequence: the database refuses a second active run.
create unique index runs_one_active on runs (location_id, contact_id) where status = 'active';
create index runs_location_started on runs (location_id, started_at desc);
create index runs_contact on runs (location_id, contact_id, started_at desc);

create table missed_calls (
  id bigserial primary key,
  location_id text not null,
  contact_id text not null,
  run_id bigint not null references runs (id),
  message_id text,
  called_at timestamptz not null,
  tracking_number text,
  caller_number text,
  source_tag text,
  high_value boolean not null default false,
  call_status text,
  voicemail_url text,
  created_at timestamptz not null
);

create unique index missed_calls_message on missed_calls (location_id, message_id) where message_id is not null;
create index missed_calls_location_time on missed_calls (location_id, called_at desc);
create index missed_calls_run on missed_calls (run_id);

-- pending: waiting for its job; sending: intent recorded, GHL called or about to be (exactly-once recovery
-- checks GHL before sending again); done; skipped (DND, opted out); stopped (run ended first); failed (dead job).
create table run_steps (
  id bigserial primary key,
  run_id bigint not null references runs (id),
  location_id text not null,
  contact_id text not null,
  step_id text not null,
  action text not null check (action in ('sms', 'task', 'email', 'escalation')),
  due_at timestamptz not null,
  state text not null default 'pending' check (state in ('pending', 'sending', 'done', 'skipped', 'stopped', 'failed')),
  intent_at timestamptz,
  done_at timestamptz,
  ghl_id text,
  reason text,
  rendered jsonb,
  unique (run_id, step_id)
);

create index run_steps_contact_sms on run_steps (location_id, contact_id, done_at) where action = 'sms' and state = 'done';

create table run_events (
  id bigserial primary key,
  run_id bigint not null references runs (id),
  at timestamptz not null,
  kind text not null,
  step_id text,
  detail jsonb not null default '{}'::jsonb
);

create index run_events_run on run_events (run_id, at, id);

-- Everything that happened with a contact, from webhooks (and the REST check): what the stop conditions,
-- escalation counts and outcomes are computed from.
create table contact_events (
  id bigserial primary key,
  location_id text not null,
  contact_id text not null,
  kind text not null,
  at timestamptz not null,
  ref text,
  detail jsonb not null default '{}'::jsonb
);

create unique index contact_events_ref on contact_events (location_id, kind, ref) where ref is not null;
create index contact_events_contact on contact_events (location_id, contact_id, at);

create table contact_flags (
  location_id text not null,
  contact_id text not null,
  sms_opted_out_at timestamptz,
  not_textable_at timestamptz,
  primary key (location_id, contact_id)
);

-- Round-robin pointer per location and pool of users: advanced with an atomic upsert, so two workers never hand
-- out the same slot.
create table round_robin (
  location_id text not null,
  pool text not null,
  next_index integer not null default 0,
  primary key (location_id, pool)
);

-- One digest per location and local date, whatever the number of instances ticking.
create table digests (
  location_id text not null,
  local_date date not null,
  created_at timestamptz not null,
  sent_at timestamptz,
  recipients integer not null default 0,
  calls integer not null default 0,
  primary key (location_id, local_date)
);
