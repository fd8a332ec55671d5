-- The durable job engine: one row per unit of work. Claims use FOR UPDATE SKIP LOCKED, so N workers on one
-- Postgres share the table with no coordinator.
create table jobs (
  id bigserial primary key,
  kind text not null,
  payload jsonb not null default '{}'::jsonb,
  -- pending: waiting for run_at; running: claimed by locked_by; done; dead: gave up after max_attempts.
  state text not null default 'pending' check (state in ('pending', 'running', 'done', 'dead')),
  run_at timestamptz not null,
  attempts integer not null default 0,
  max_attempts integer not null default 10,
  -- The same unique_key is enqueued once, ever: it is how callers make enqueue idempotent.
  unique_key text unique,
  location_id text,
  locked_by text,
  locked_at timestamptz,
  last_error text,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  finished_at timestamptz
);

-- Only pending rows are claimed; a partial index keeps the claim fast however many done rows pile up.
create index jobs_due on jobs (run_at, id) where state = 'pending';
create index jobs_running on jobs (locked_at) where state = 'running';
create index jobs_dead on jobs (location_id, finished_at) where state = 'dead';
