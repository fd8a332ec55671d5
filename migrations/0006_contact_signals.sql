-- What contacts and carriers told us about consent and reachability (docs/compliance-signals.md).
-- email_opted_out_at: an "unsubscribe" by email or GHL's email DND; every later email to the contact is skipped.
-- sms_held_at: a reply that may be an opt-out ("leave me alone"); automated texts wait until a rep confirms
-- (completing hold_task_id lifts the hold; setting SMS DND in GHL makes it final).
-- not_textable_reason: the carrier error that made the number not textable (30003, 30005, 30006).
alter table contact_flags
  add column email_opted_out_at timestamptz,
  add column sms_held_at timestamptz,
  add column sms_held_reply text,
  add column hold_task_id text,
  add column not_textable_reason text;

-- Warnings for the owner raised by GHL's delivery reports (carrier filtering, unregistered 10DLC traffic): one
-- row per location and error code, counted.
create table location_warnings (
  location_id text not null,
  code text not null,
  first_at timestamptz not null,
  last_at timestamptz not null,
  occurrences integer not null default 1,
  primary key (location_id, code)
);
