-- The call log links each lead to its conversation in GHL (docs/ghl-platform.md §11): the conversation id that
-- the InboundMessage webhook and the message export carry is kept with the call. Null for calls recorded before.
alter table missed_calls add column conversation_id text;
