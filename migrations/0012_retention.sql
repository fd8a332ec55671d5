-- Retention (src/retention/retention.ts): after RETENTION_INBOX_DAYS, and at once for locations that have not
-- installed Ringback, an inbox row keeps only its dedupe key (webhook_id) and type; its body becomes null.
alter table webhook_inbox alter column body drop not null;

create index webhook_inbox_body_kept on webhook_inbox (received_at) where body is not null;
