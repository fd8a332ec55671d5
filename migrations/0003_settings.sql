-- The settings document of each location (docs/design.md §3), with a version for optimistic concurrency
-- (If-Match) and an audit row for every change.
create table location_settings (
  location_id text primary key,
  settings jsonb not null,
  version integer not null default 1,
  updated_at timestamptz not null,
  updated_by text
);

create table settings_audit (
  id bigserial primary key,
  location_id text not null,
  version integer not null,
  changed_by text,
  changed_by_name text,
  changed_at timestamptz not null,
  before jsonb,
  after jsonb not null
);

create index settings_audit_location on settings_audit (location_id, changed_at desc);
