-- GHL installs and the webhook inbox. Tokens are stored only encrypted (AES-256-GCM, src/ghl/crypto.ts); a row
-- with null tokens is an install whose token is still pending (INSTALL webhook before the OAuth callback) or gone.

-- One row per sub-account (location) the app was ever installed in. Reinstalls reuse the row.
create table installations (
  location_id text primary key,
  company_id text,
  -- How the location got its token: 'Location' from its own OAuth install, 'Company' minted from the agency's
  -- company token (bulk install); the latter is re-minted when its own refresh fails.
  user_type text not null default 'Location' check (user_type in ('Location', 'Company')),
  access_token_enc text,
  refresh_token_enc text,
  expires_at timestamptz,
  scope text,
  status text not null check (status in ('installed', 'uninstalled', 'revoked')),
  name text,
  timezone text,
  installed_at timestamptz not null,
  uninstalled_at timestamptz,
  updated_at timestamptz not null,
  -- A refresh token is only ever stored with the access token it came with.
  check (refresh_token_enc is null or access_token_enc is not null),
  check (access_token_enc is null or expires_at is not null)
);

create index installations_company on installations (company_id) where company_id is not null;

-- Agency (Company) tokens from bulk installs: used to list installed locations and mint location tokens.
create table company_installs (
  company_id text primary key,
  access_token_enc text,
  refresh_token_enc text,
  expires_at timestamptz,
  scope text,
  status text not null check (status in ('installed', 'uninstalled', 'revoked')),
  installed_at timestamptz not null,
  uninstalled_at timestamptz,
  updated_at timestamptz not null,
  check (access_token_enc is null or expires_at is not null)
);

-- Every verified webhook, stored before it is acknowledged. webhook_id is GHL's idempotency key (or sha256 of
-- the raw body when an event has none): a redelivery finds its row and enqueues nothing.
create table webhook_inbox (
  id bigserial primary key,
  webhook_id text not null unique,
  type text not null,
  location_id text,
  body jsonb not null,
  signature_kind text not null check (signature_kind in ('ed25519', 'rsa')),
  received_at timestamptz not null,
  processed_at timestamptz,
  error text
);

create index webhook_inbox_unprocessed on webhook_inbox (received_at) where processed_at is null;
create index webhook_inbox_location on webhook_inbox (location_id, received_at);
