/**
 * How many of the period's missed-call runs GHL's Voice AI handled (issue 18.2): the caller talked to the AI and
 * it booked them or took a message (src/followup/voice-ai.ts); hang-ups within seconds are counted apart.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';
import { MATCH_BEFORE_MS } from '../followup/voice-ai.js';

export interface VoiceAiStats {
  /** Runs whose caller the AI booked or took a message from. */
  handled: number;
  booked: number;
  messages: number;
  hungUp: number;
}

export async function computeVoiceAiStats(
  db: Kysely<Database>,
  input: { locationId: string; since: Date; until: Date },
): Promise<VoiceAiStats> {
  const { rows } = await sql<{ booked: number; messages: number; hung_up: number }>`
    select
      count(*) filter (where outcome = 'booked')::int as booked,
      count(*) filter (where outcome = 'message')::int as messages,
      count(*) filter (where outcome = 'hung-up')::int as hung_up
    from (
      select (select v.outcome from voice_ai_calls v
                where v.location_id = r.location_id and v.contact_id = r.contact_id
                  and v.started_at >= r.started_at - ${`${MATCH_BEFORE_MS / 1000} seconds`}::interval
                  and v.started_at <= coalesce(r.outcome_at, ${input.until})
                order by (v.outcome = 'booked') desc, v.started_at limit 1) as outcome
      from runs r
      where r.location_id = ${input.locationId} and r.started_at >= ${input.since} and r.started_at <= ${input.until}
    ) x`.execute(db);
  const r = rows[0];
  const booked = Number(r?.booked ?? 0);
  const messages = Number(r?.messages ?? 0);
  return { handled: booked + messages, booked, messages, hungUp: Number(r?.hung_up ?? 0) };
}
