import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';
import type { VoiceAiCallEndEvent } from '../webhooks/events.js';
import { recordContactEvent } from './history.js';
import { addRunEvent, lockActiveRun, recoverLatestRun } from './runs.js';
import {
  MATCH_BEFORE_MS,
  readVoiceAiCall,
  type VoiceAiCall,
  type VoiceAiFacts,
  type VoiceAiOutcome,
} from './voice-ai.js';

type Db = Kysely<Database>;
const DAY_MS = 86_400_000;

/** The timeline's words for what the AI did. */
export function voiceAiText(call: VoiceAiCall): string {
  switch (call.outcome) {
    case 'booked':
      return 'Handled by Voice AI: HighLevel’s Voice AI answered and booked an appointment; no apology text goes.';
    case 'message':
      return `HighLevel’s Voice AI took a message: "${call.summary}". The rep’s callback task carries it.`;
    case 'hung-up':
      return `The caller hung up on HighLevel’s Voice AI after ${call.durationSec} s; the first text offers texting.`;
    default:
      return 'HighLevel’s Voice AI answered the call.';
  }
}

/**
 * VoiceAiCallEnd, in the transaction that marks the webhook processed. The AI call is stored once (a redelivery
 * changes nothing). Booked: a `booked` contact event at the call's end, so every later step of the caller's run
 * stops on the same guard as any booking, and the run (active, or lost within 72 h) ends recovered now. The
 * missed call may come later or never: ingestCall asks recoverIfVoiceAiBooked when it does.
 */
export async function ingestVoiceAiCallEnd(trx: Db, event: VoiceAiCallEndEvent, receivedAt: Date) {
  const { locationId } = event;
  const call = readVoiceAiCall(event, receivedAt);
  if (!call) return;
  const inserted = await trx
    .insertInto('voice_ai_calls')
    .values({
      location_id: locationId,
      call_id: call.callId,
      contact_id: call.contactId,
      message_id: call.messageId,
      started_at: call.startedAt,
      ended_at: call.endedAt,
      duration_sec: call.durationSec,
      outcome: call.outcome,
      summary: call.summary,
      received_at: receivedAt,
    })
    .onConflict((oc) => oc.columns(['location_id', 'call_id']).doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) === 0 || !call.contactId) return;
  const contactId = call.contactId;
  if (call.outcome === 'booked') {
    await recordContactEvent(trx, {
      locationId,
      contactId,
      kind: 'booked',
      at: call.endedAt,
      ref: `voice-ai:${call.callId}`,
      detail: { by: 'voice-ai' },
    });
  }
  // The run learns it when the event comes (never before the AI call ended).
  const at = receivedAt > call.endedAt ? receivedAt : call.endedAt;
  const run = await lockActiveRun(trx, locationId, contactId);
  if (run && run.started_at.getTime() >= call.startedAt.getTime() - MATCH_BEFORE_MS) {
    await addRunEvent(trx, run.id, at, 'voice-ai', { outcome: call.outcome, text: voiceAiText(call) });
  }
  if (call.outcome === 'booked') await recoverLatestRun(trx, locationId, contactId, 'voice-ai', at);
}

/** One statement per step; cheap when the location never used Voice AI (two index probes). */
export async function loadVoiceAiFacts(
  db: Db,
  run: { id: number; location_id: string; contact_id: string; started_at: Date },
  stepId: number,
  now: Date,
): Promise<VoiceAiFacts> {
  const { rows } = await sql<{ uses: boolean; call: { outcome: string; summary: string | null } | null; sms: boolean }>`
    select
      exists(select 1 from voice_ai_calls v where v.location_id = ${run.location_id}
               and v.received_at >= ${new Date(now.getTime() - 30 * DAY_MS)}) as uses,
      (select jsonb_build_object('outcome', v.outcome, 'summary', v.summary) from voice_ai_calls v
         where v.location_id = ${run.location_id} and v.contact_id = ${run.contact_id}
           and v.started_at >= ${new Date(run.started_at.getTime() - MATCH_BEFORE_MS)}
         order by v.started_at desc limit 1) as call,
      -- The run's first text by its place in the sequence, not by what was sent yet: two texts due together
      -- (after an outage) must not both think they are first.
      (select s.id from run_steps s where s.run_id = ${run.id} and s.action = 'sms'
         order by s.due_at, s.id limit 1) is distinct from ${stepId}::bigint as sms`.execute(db);
  const r = rows[0];
  return {
    usesVoiceAi: r?.uses === true,
    call: r?.call ? { outcome: r.call.outcome as VoiceAiOutcome, summary: r.call.summary } : null,
    notFirstSms: r?.sms === true,
  };
}
