import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { enqueueJob } from '../jobs/queries.js';
import type { VoiceAiCallEndEvent } from '../webhooks/events.js';
import { recordContactEvent } from './history.js';
import { addRunEvent, lockActiveRun, recoverLatestRun, STEP_JOB } from './runs.js';
import { MATCH_BEFORE_MS, readVoiceAiCall, VOICE_AI_PENDING, VOICE_AI_TASK_JOB, type VoiceAiCall } from './voice-ai.js';

type Db = Kysely<Database>;

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
 * missed call may come later or never: the missed-call statement (ringback_missed_call) honours the booking when it does.
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
    await endVoiceAiWait(trx, run.id, at);
    if (call.outcome === 'message' && call.summary) await summaryToTasks(trx, run.id, locationId, call.callId, at);
  }
  if (call.outcome === 'booked') await recoverLatestRun(trx, locationId, contactId, 'voice-ai', at);
}

/**
 * The run's first text waits up to 5 minutes for this event (voice-ai.ts VOICE_AI_WAIT_MS): now that it came,
 * the waiting step runs at once and decides again with what the AI did. Only a step whose job the wait itself
 * rescheduled is brought forward (quiet hours and the like keep their time). A step job running at this very
 * moment is not pending: it keeps the bounded wait it chose.
 */
async function endVoiceAiWait(trx: Db, runId: number, at: Date) {
  const steps = await trx
    .selectFrom('run_steps')
    .select('id')
    .where('run_id', '=', runId)
    .where('action', '=', 'sms')
    .where('state', '=', 'pending')
    .execute();
  if (steps.length === 0) return;
  await trx
    .updateTable('jobs')
    .set({ run_at: at, updated_at: at })
    .where('kind', '=', STEP_JOB)
    .where(
      'unique_key',
      'in',
      steps.map((s) => `step:${s.id}`),
    )
    .where('state', '=', 'pending')
    .where('last_error', '=', `deferred: ${VOICE_AI_PENDING}`)
    .where('run_at', '>', at)
    .execute();
}

/**
 * The AI's summary came after the rep's callback task went to GHL (or while it was going): a job, never this
 * webhook's transaction, puts it on that task (voice-ai-task-job.ts). Once per task and AI call, however often
 * GHL delivers the event. A task still pending is created with the summary by its own step; the manager's
 * escalation task is left as it is (the job tells it apart).
 */
async function summaryToTasks(trx: Db, runId: number, locationId: string, callId: string, at: Date) {
  const tasks = await trx
    .selectFrom('run_steps')
    .select('id')
    .where('run_id', '=', runId)
    .where('action', '=', 'task')
    .where('state', 'in', ['done', 'sending'])
    .execute();
  for (const t of tasks) {
    await enqueueJob(
      trx,
      {
        kind: VOICE_AI_TASK_JOB,
        payload: { runStepId: t.id, callId },
        runAt: at,
        uniqueKey: `voice-ai-task:${t.id}:${callId}`,
        locationId,
      },
      at,
    );
  }
}
