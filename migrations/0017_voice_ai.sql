-- Calls GHL's Voice AI answered (VoiceAiCallEnd, docs/ghl-webhooks.md "Voice AI"), one row per AI call however
-- often it is delivered. What the AI did decides what Ringback does with the caller's missed call
-- (src/followup/voice-ai.ts): booked -> recovered, no apology; a message taken -> the rep's task carries the
-- summary; a hang-up within seconds -> the first text offers texting.
create table voice_ai_calls (
  location_id text not null,
  call_id text not null,
  contact_id text,
  message_id text,
  started_at timestamptz not null,
  ended_at timestamptz not null,
  duration_sec integer not null default 0,
  outcome text not null,
  summary text,
  received_at timestamptz not null,
  primary key (location_id, call_id)
);
create index voice_ai_calls_contact on voice_ai_calls (location_id, contact_id, started_at);
create index voice_ai_calls_recent on voice_ai_calls (location_id, received_at);
