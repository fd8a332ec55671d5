/**
 * What Ringback does with a text reply once consent is settled (consent.ts runs first, on every path): the reply
 * is triaged (triage.ts) and, on the contact's run in progress, an emergency gives a priority task at once to the
 * escalation manager (the rep the call was routed to when there is none), a wish to book or a price question gives
 * the rep a task that says so, and a wrong number ends the run suppressed, so no more texts go. A class whose
 * measured precision is under 0.95 (triage-gates.ts) acts on nothing: the rep gets a task to confirm instead.
 * Each outcome is on the run's timeline in the owner's words. The GHL side is a job (triage-jobs.ts).
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { enqueueJob } from '../jobs/queries.js';
import type { InboundText } from './consent.js';
import { recordContactEvent } from './history.js';
import { loadLocationContext } from './location-settings.js';
import { addRunEvent, lockActiveRun, scheduleStep, stopRun } from './runs.js';
import { type Triage, triageReply } from '../core/triage.js';
import { BOOKING_LINK_STEP, bookingLinkStep } from './booking-link.js';
import { actsAlone, type GatedClass } from './triage-gates.js';

type Db = Kysely<Database>;

export const TRIAGE_TASK_JOB = 'followup.triage-task';

export type TriageTaskKind = GatedClass | 'confirm';

const LOOKS_LIKE: Record<GatedClass, string> = {
  emergency: 'an emergency',
  book: 'wants to book',
  price: 'a price question',
  'wrong-number': 'a wrong number',
};

/**
 * Triage of an inbound text that consent let through (`reply`) or held (`maybe`: only a wrong number acts then,
 * the hold and its task stand otherwise). `wrong-number` when the run was ended so: the reply is no recovery.
 */
export async function triageInboundText(
  trx: Db,
  t: InboundText,
  consent: 'reply' | 'maybe',
  now: Date,
): Promise<'wrong-number' | null> {
  if (t.channel !== 'sms') return null;
  const triage = triageReply(t.body);
  if (triage.class === 'other' || triage.class === 'opt-out') return null;
  if (consent === 'maybe' && triage.class !== 'wrong-number') return null;
  const run = await lockActiveRun(trx, t.locationId, t.contactId);
  if (!run) return null;
  const fresh = await recordContactEvent(trx, {
    locationId: t.locationId,
    contactId: t.contactId,
    kind: 'reply-triaged',
    at: t.at,
    ref: t.messageId,
    detail: { class: triage.class, matched: triage.matched, via: t.via },
  });
  if (!fresh) return null;
  const reply = (t.body ?? '').slice(0, 300);
  const cls = triage.class;
  if (!actsAlone(cls)) {
    const text = `The reply "${reply}" looks like ${LOOKS_LIKE[cls]} ("${triage.matched}"); a rep was asked to confirm.`;
    await addRunEvent(trx, run.id, t.at, 'reply-triaged', { class: cls, confirm: true, text });
    await enqueueTask(trx, t, 'confirm', cls, reply, run.assigned_user_id, now);
    return null;
  }
  if (cls === 'wrong-number') {
    const text = `The contact says this is a wrong number ("${reply}"); the follow-up ended and no more texts go to them.`;
    await addRunEvent(trx, run.id, t.at, 'reply-triaged', { class: cls, text });
    await stopRun(trx, run.id, 'wrong-number', t.at);
    return 'wrong-number';
  }
  let assignee = run.assigned_user_id;
  if (cls === 'emergency') {
    const { settings } = await loadLocationContext(trx, t.locationId);
    assignee = settings.escalation.managerUserId ?? assignee;
  }
  let resend = false;
  if (cls === 'book') {
    // Once per run: the step's (run, step id) key refuses a second (booking-link.ts).
    const { settings } = await loadLocationContext(trx, t.locationId);
    if (bookingLinkStep(settings)) {
      const step = { runId: run.id, locationId: t.locationId, contactId: t.contactId, action: 'sms' as const };
      resend = (await scheduleStep(trx, { ...step, stepId: BOOKING_LINK_STEP, dueAt: now }, now)) !== null;
    }
  }
  const text = ownerWords(triage, reply) + (resend ? ' The booking link is sent again.' : '');
  await addRunEvent(trx, run.id, t.at, 'reply-triaged', { class: cls, text });
  await enqueueTask(trx, t, cls, cls, reply, assignee, now);
  return null;
}

function ownerWords(triage: Triage, reply: string): string {
  switch (triage.class) {
    case 'emergency':
      return `Emergency in the reply "${reply}" ("${triage.matched}"): a priority task, due now, went to the manager.`;
    case 'book':
      return `The contact wants to book ("${reply}"); the rep's task says so${triage.alsoPrice ? ' and that they asked a price' : ''}.`;
    default:
      return `The contact asked a price ("${reply}"); the rep's task says so.`;
  }
}

async function enqueueTask(
  trx: Db,
  t: InboundText,
  kind: TriageTaskKind,
  looksLike: GatedClass,
  reply: string,
  assignedTo: string | null,
  now: Date,
): Promise<void> {
  await enqueueJob(
    trx,
    {
      kind: TRIAGE_TASK_JOB,
      payload: { locationId: t.locationId, contactId: t.contactId, kind, looksLike, reply, assignedTo },
      runAt: now,
      uniqueKey: `triage:${t.locationId}:${t.contactId}:${t.messageId ?? t.at.toISOString()}`,
      locationId: t.locationId,
    },
    now,
  );
}
