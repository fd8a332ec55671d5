-- What an install tells Ringback beyond its tokens.

-- The agency's white-label domain (INSTALL's whitelabelDetails.domain): the settings page is framed from it and
-- the default booking link is built on it. A host name only; checked before it is stored.
alter table installations add column white_label_domain text;
alter table company_installs add column white_label_domain text;

-- Problems an owner must fix in GHL, shown on the settings page: one row per location and kind (a scope the
-- install lacks), refreshed each time it recurs and deleted once the call works again.
create table location_problems (
  location_id text not null,
  code text not null,
  detail text not null,
  first_seen_at timestamptz not null,
  last_seen_at timestamptz not null,
  primary key (location_id, code)
);
