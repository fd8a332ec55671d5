import type { Kysely } from 'kysely';
import type { Deps } from '../deps.js';
import type { GhlDeps } from '../ghl/deps.js';
import type { Database } from '../db/database.js';
import type { AppointmentEvent, MessageEvent, TaskCompleteEvent } from '../webhooks/events.js';
import type { InboxEvent } from '../webhooks/inbox.js';
import { type CallEvent, classifyCall, eventTime } from '../core/call-events.js';
import { handleContactDelete, handleUserChange } from './crm-events.js';
import { type ContactEventKind, recordContactEvent } from './history.js';
import { handleMissedCall, maybeEscalate } from './missed-call.js';
import { loadLocationContext } from './location-settings.js';
import { ingestInboundText, releaseHold } from './consent.js';
import { ingestDeliveryStatus, stepByGhlId, stepStillSending } from './delivery-status.js';
import { addRunEvent, lockActiveRun, recoverLatestRun, stopRun } from './runs.js';
import { triageInboundText } from './triage-reply.js';
import { ingestVoiceAiCallEnd } from './voice-ai-store.js';
import { appointmentValue, ingestOpportunity } from './opportunities.js';
import { AUTOMATED_SOURCES } from './quiet-webhook.js';

type Db = Kysely<Database>;

// Appointments that did not or will not happen: no recovery.
const NOT_HAPPENING = new Set(['cancelled', 'canceled', 'invalid', 'noshow']);

/**
 * Turns one verified webhook, typed by its schema (webhooks/events.ts), into contact history and run changes,
 * inside the transaction that marks it processed. Never calls GHL: what needs GHL is a job.
 */
export async function ingestEvent(trx: Db, deps: GhlDeps, stored: InboxEvent): Promise<void> {
  const { event, receivedAt } = stored;
  switch (event.type) {
    case 'UserCreate':
    case 'UserDelete': {
      const touched = await handleUserChange(trx, event, receivedAt);
      for (const l of touched) deps.users.forget(l);
      return;
    }
    case 'VoiceAiCallEnd':
      return ingestVoiceAiCallEnd(trx, event, receivedAt);
    case 'InboundMessage':
    case 'OutboundMessage': {
      const at = eventTime(event, receivedAt);
      const call = classifyCall(event);
      if (call) return ingestCall(trx, deps, call, at, stored.foundBy);
      return ingestMessage(trx, deps, event, at);
    }
    case 'AppointmentCreate':
    case 'AppointmentUpdate':
      return ingestAppointment(trx, event, eventTime(event, receivedAt));
    case 'TaskComplete':
      return ingestTaskComplete(trx, event, eventTime(event, receivedAt));
    case 'ContactDelete':
      return handleContactDelete(trx, event, eventTime(event, receivedAt));
    case 'ContactDndUpdate': {
      const at = eventTime(event, receivedAt);
      const detail = { dnd: event.dnd ?? null };
      await recordContactEvent(trx, { locationId: event.locationId, contactId: event.id, kind: 'dnd', at, detail });
      return;
    }
    case 'LocationUpdate':
      return; // the installations feature's (src/fan-out.ts)
    default:
      return ingestOpportunity(trx, event, receivedAt);
  }
}

async function ingestAppointment(trx: Db, event: AppointmentEvent, at: Date): Promise<void> {
  const appt = event.appointment;
  if (!appt.contactId || NOT_HAPPENING.has((appt.appointmentStatus ?? '').toLowerCase())) return;
  const value = appointmentValue(appt);
  const detail = value ? { value } : {};
  return humanContact(trx, event.locationId, appt.contactId, 'booked', at, appt.id, 'booked', true, detail);
}

async function ingestTaskComplete(trx: Db, event: TaskCompleteEvent, at: Date): Promise<void> {
  const { locationId, contactId, id: taskId } = event;
  if (!contactId) return;
  await recordContactEvent(trx, { locationId, contactId, kind: 'task-completed', at, ref: taskId });
  await releaseHold(trx, locationId, contactId, taskId, at);
  const ours = await trx
    .selectFrom('run_steps')
    .innerJoin('runs', 'runs.id', 'run_steps.run_id')
    .select(['runs.id as runId'])
    .where('run_steps.ghl_id', '=', taskId)
    .where('runs.location_id', '=', locationId)
    .where('runs.status', '=', 'active')
    .executeTakeFirst();
  if (ours) {
    const ctx = await loadLocationContext(trx, locationId);
    if (ctx.settings.stopWhen.taskCompleted) await stopRun(trx, ours.runId, 'task-completed', at);
  }
}

async function ingestCall(trx: Db, deps: Deps, call: CallEvent, at: Date, foundBy?: 'sweep'): Promise<void> {
  const { locationId, contactId } = call;
  if (call.direction === 'inbound' && call.kind === 'missed') {
    await handleMissedCall(trx, deps, call, at, foundBy ? { foundBy } : {});
    return;
  }
  if (call.direction === 'inbound') {
    return humanContact(trx, locationId, contactId, 'answered-call', at, call.messageId, 'connected', true);
  }
  if (call.kind === 'answered') {
    return humanContact(trx, locationId, contactId, 'outbound-answered', at, call.messageId, 'connected', true);
  }
  const fresh = await recordContactEvent(trx, {
    locationId,
    contactId,
    kind: 'outbound-unanswered',
    at,
    ref: call.messageId,
    detail: { status: call.status },
  });
  if (!fresh) return;
  const run = await lockActiveRun(trx, locationId, contactId);
  if (!run) return;
  await trx
    .updateTable('runs')
    .set({ first_human_contact_at: run.first_human_contact_at ?? at, updated_at: at })
    .where('id', '=', run.id)
    .execute();
  await addRunEvent(trx, run.id, at, 'callback-unanswered', { status: call.status });
  const { settings } = await loadLocationContext(trx, locationId);
  await maybeEscalate(trx, deps, settings, { runId: run.id, locationId, contactId, at });
}

/**
 * A text or email. For a contact without any run, what this does is exactly what quiet-webhook.ts lets the
 * inbox write do instead (one contact event): change the two together.
 */
async function ingestMessage(trx: Db, deps: Deps, event: MessageEvent, at: Date): Promise<void> {
  const { locationId, contactId } = event;
  if (!contactId) return;
  const messageId = event.messageId ?? event.id;
  const inbound = event.type === 'InboundMessage' || event.direction === 'inbound';
  if (!inbound) {
    if (await ingestDeliveryStatus(trx, event, at, deps.clock.now())) return;
    // Ringback's own send is known by the message id its send returned, or, when the webhook beats that record,
    // by its step still sending the same words; `source` says only that some API sent it.
    if (messageId && (await stepByGhlId(trx, locationId, messageId))) return;
    if (await stepStillSending(trx, event)) return;
    // Other automation (the client's workflows, campaigns) is not a human reaching out either.
    if (event.source && AUTOMATED_SOURCES.has(event.source)) {
      // Kept so the setup checker can see another automation (GHL's missed-call text-back, a workflow) texting
      // missed callers too: a possible double text (src/reporting/setup-facts.ts).
      await recordContactEvent(trx, { locationId, contactId, kind: 'other-automation', at, ref: messageId });
      return;
    }
    return humanContact(trx, locationId, contactId, 'manual-message', at, messageId, null, true);
  }
  const channel = /email/i.test(event.messageType ?? '') ? 'email' : 'sms';
  const text = { locationId, contactId, channel, body: event.body, messageId, at, via: 'webhook' } as const;
  const consent = await ingestInboundText(trx, text, deps.clock.now());
  if (consent !== 'reply' && consent !== 'maybe') return;
  const triaged = await triageInboundText(trx, text, consent, deps.clock.now());
  if (consent !== 'reply' || triaged === 'wrong-number') return;
  return humanContact(trx, locationId, contactId, 'reply', at, messageId, 'replied', false);
}

/**
 * Records the event and, when it is a recovery (`recovery` set), ends the active run (or flips a lost run of
 * the last 72 h) as recovered. `byHuman` marks the business's first human contact with the lead.
 */
async function humanContact(
  trx: Db,
  locationId: string,
  contactId: string,
  kind: ContactEventKind,
  at: Date,
  ref: string | null | undefined,
  recovery: string | null,
  byHuman: boolean,
  detail: Record<string, unknown> = {},
): Promise<void> {
  const fresh = await recordContactEvent(trx, { locationId, contactId, kind, at, ref: ref ?? null, detail });
  if (!fresh) return;
  const run = await lockActiveRun(trx, locationId, contactId);
  if (run && byHuman && !run.first_human_contact_at) {
    await trx
      .updateTable('runs')
      .set({ first_human_contact_at: at, updated_at: at })
      .where('id', '=', run.id)
      .execute();
  }
  if (run) await addRunEvent(trx, run.id, at, kind, {});
  if (recovery) await recoverLatestRun(trx, locationId, contactId, recovery, at);
}
