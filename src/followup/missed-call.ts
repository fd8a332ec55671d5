import type { Kysely } from 'kysely';
import type { Deps } from '../deps.js';
import type { Database } from '../db/database.js';
import { enqueueJob } from '../jobs/queries.js';
import { lineOf } from '../core/attribution.js';
import type { CallEvent } from '../core/call-events.js';
import { stepDelayMs } from '../core/step-content.js';
import { recordContactEvent, recountMissedConnections } from './history.js';
import type { Settings } from '../core/settings/schema.js';
import { loadLocationContext } from './location-settings.js';
import { addRunEvent, endRun, scheduleStep, startOrJoinRun } from './runs.js';
import { scheduleSteps } from './schedule-steps.js';

type Db = Kysely<Database>;

export const ATTRIBUTE_JOB = 'followup.attribute';
export const ESCALATION_STEP = 'escalation';
const DAY_MS = 86_400_000;

/**
 * A missed inbound call: recorded with its line and source, then it starts the contact's run (scheduling every
 * step of the sequence as a durable job) or joins the active one as one more missed connection. A call is
 * recorded once, by GHL's message id (contact_events' unique key), whether its webhook or the sweep brought it:
 * whichever commits second finds the row and changes nothing.
 */
export async function handleMissedCall(
  trx: Db,
  deps: Deps,
  call: CallEvent,
  at: Date,
  foundBy?: 'sweep',
): Promise<void> {
  const { locationId, contactId } = call;
  const now = deps.clock.now();
  const ctx = await loadLocationContext(trx, locationId);
  if (!ctx.installed) return;
  const fresh = await recordContactEvent(trx, {
    locationId,
    contactId,
    kind: 'missed-call',
    at,
    ref: call.messageId ?? null,
    detail: { status: call.status, from: call.from ?? null, to: call.to ?? null, ...(foundBy ? { via: foundBy } : {}) },
  });
  if (!fresh) return;

  const { trackingNumber, source } = lineOf(ctx.settings, call.to ?? null);
  const { runId, created } = await startOrJoinRun(trx, { locationId, contactId, at, now });
  await trx
    .insertInto('missed_calls')
    .values({
      location_id: locationId,
      contact_id: contactId,
      run_id: runId,
      message_id: call.messageId ?? null,
      called_at: at,
      tracking_number: trackingNumber,
      caller_number: call.from ?? null,
      source_tag: source?.tag ?? null,
      high_value: source?.highValue ?? false,
      call_status: call.status,
      voicemail_url: call.attachments[0] ?? null,
      conversation_id: call.conversationId ?? null,
      created_at: now,
    })
    .execute();
  await addRunEvent(trx, runId, at, created ? 'missed-call' : 'repeat-call', {
    status: call.status,
    trackingNumber,
    source: source?.tag ?? null,
    ...(foundBy ? { via: 'found by sweep' } : {}),
  });

  if (created) {
    await trx
      .updateTable('runs')
      .set({
        source_tag: source?.tag ?? null,
        tracking_number: trackingNumber,
        caller_phone: call.from ?? null,
        high_value: source?.highValue ?? false,
      })
      .where('id', '=', runId)
      .execute();
    if (!ctx.settings.enabled) {
      await endRun(trx, runId, 'suppressed', 'disabled', now);
      return;
    }
    const highValue = source?.highValue ?? false;
    const steps = ctx.settings.sequence.map((step) => {
      // A high-value lead's callback task is created at once; its due time carries the shorter SLA.
      const afterMs = stepDelayMs(step, highValue);
      return { stepId: step.id, action: step.action, dueAt: new Date(at.getTime() + afterMs) };
    });
    await scheduleSteps(trx, { runId, locationId, contactId }, steps, now);
    await enqueueJob(
      trx,
      { kind: ATTRIBUTE_JOB, payload: { runId }, runAt: now, uniqueKey: `attribute:${runId}`, locationId },
      now,
    );
  }
  await maybeEscalate(trx, deps, ctx.settings, { runId, locationId, contactId, at });
  deps.wakeWorker?.();
}

/**
 * At the threshold of missed connections within the window, the manager gets a priority task: once per run
 * (the step row is unique per run), created at once.
 */
export async function maybeEscalate(
  trx: Db,
  deps: Deps,
  settings: Settings,
  call: { runId: number; locationId: string; contactId: string; at: Date },
): Promise<void> {
  const { runId, locationId, contactId, at } = call;
  const { afterMissedConnections, withinDays } = settings.escalation;
  const now = deps.clock.now();
  const since = new Date(at.getTime() - withinDays * DAY_MS);
  const count = await recountMissedConnections(
    trx,
    runId,
    { locationId, contactId },
    since,
    new Date(Math.max(now.getTime(), at.getTime())),
  );
  if (count < afterMissedConnections) return;
  const scheduled = await scheduleStep(
    trx,
    { runId, locationId, contactId, stepId: ESCALATION_STEP, action: 'escalation', dueAt: now },
    now,
  );
  if (scheduled !== null) await addRunEvent(trx, runId, now, 'escalation-due', { missedConnections: count });
}
