-- GHL opportunities as their webhooks describe them (docs/ghl-webhooks.md, "Opportunities"): what a recovered
-- lead turned out to be worth (src/reporting/revenue.ts). Each event carries the whole opportunity, so a row is
-- the latest snapshot; event_at keeps an older event (a redelivery, a late retry) from overwriting a newer one.
create table opportunities (
  location_id text not null,
  opportunity_id text not null,
  contact_id text,
  monetary_value numeric(14, 2),
  status text,
  created_at timestamptz not null,
  event_at timestamptz not null,
  deleted boolean not null default false,
  primary key (location_id, opportunity_id)
);
create index opportunities_contact on opportunities (location_id, contact_id, created_at);
