-- What GHL says about a location's business that Ringback's messages need: the postal address every commercial
-- email must carry (CAN-SPAM, 15 U.S.C. 7704(a)(5); docs/compliance-signals.md). Read from GET /locations/{id}
-- at install and again on every LocationUpdate webhook.
create table location_profiles (
  location_id text primary key,
  business_address text,
  updated_at timestamptz not null
);
