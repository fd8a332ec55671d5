-- A quiet webhook: a text or email of a contact without any run, stored already processed (processed_at =
-- received_at) with the one contact event its processing would have recorded, and no job
-- (src/followup/quiet-webhook.ts, docs/quiet-webhooks.md). Marked so support, the sweep and retention can tell it
-- from one a job processed.
alter table webhook_inbox add column quiet boolean not null default false;
