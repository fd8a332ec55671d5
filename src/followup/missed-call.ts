import { type Kysely, sql } from 'kysely';
import type { Deps } from '../deps.js';
import type { Database } from '../db/database.js';
import { PREPARED } from '../db/prepared.js';
import { lineOf } from '../core/attribution.js';
import { type CallEvent, classifyCall, eventTime } from '../core/call-events.js';
import type { InboxEvent } from '../webhooks/inbox.js';
import { withHandOff } from '../jobs/hand-off.js';
import type { JobInfo } from '../jobs/registry.js';
import { stepDelayMs } from '../core/step-content.js';
import type { Settings } from '../core/settings/schema.js';
import { settingsCopy } from './checked-copies.js';
import { splitPlan } from './plan-feed.js';
import { MATCH_BEFORE_MS, type VoiceAiCall } from './voice-ai.js';
import { voiceAiText } from './voice-ai-store.js';

type Db = Kysely<Database>;

export const ATTRIBUTE_JOB = 'followup.attribute';
export const ESCALATION_STEP = 'escalation';
const DAY_MS = 86_400_000;
// Another instance saving the page between our read and our statement, three times over, is not plausible.
const MAX_STALE = 3;

export type MissedCallOutcome = 'done' | 'not-installed' | 'repeat' | 'started' | 'joined';

interface MissedCallAnswer {
  outcome: MissedCallOutcome | 'stale';
  /** The attribution job, claimed for this process's worker (src/jobs/hand-off.ts). */
  handedOff?: unknown;
}

/**
 * A missed inbound call: recorded with its line and source, then it starts the contact's run (the steps due soon
 * as durable jobs, the rest in the run's plan: plan-feed.ts) or joins the active one as one more missed connection; the manager's
 * task at the escalation threshold; recovered at once when GHL's Voice AI already booked the caller. A call is
 * recorded once, by GHL's message id (contact_events' unique key), whether its webhook or the sweep brought it:
 * whichever commits second finds the row and changes nothing.
 *
 * All of it is one statement (ringback_missed_call, migrations/0021_missed_call.sql). With `webhookId` the
 * statement also marks the webhook processed, so it needs no transaction of its own: the webhook's whole effect
 * commits with that mark or not at all. Without it the caller's transaction does (the sweep).
 */
export async function handleMissedCall(
  db: Db,
  deps: Deps,
  call: CallEvent,
  at: Date,
  opts: { foundBy?: 'sweep'; webhookId?: string; job?: JobInfo } = {},
): Promise<MissedCallOutcome> {
  for (let attempt = 0; attempt < MAX_STALE; attempt += 1) {
    const copy = await settingsCopy(db, call.locationId, attempt > 0);
    const { params, plan } = missedCallParams(call, at, deps.clock.now(), copy.settings, opts);
    // The attribution job is handed to this process's worker only when the statement commits on its own (the
    // webhook's): in the sweep's transaction it could run before its row is visible.
    const answer = await withHandOff(
      opts.webhookId ? deps.handOff : undefined,
      'outbound',
      async (handOffWorker) => {
        // Prepared (db/prepared.ts): its text never varies, and every missed call sends it.
        const { rows } = await sql<{ r: MissedCallAnswer }>`${sql.raw(PREPARED)}
          select ringback_missed_call(${JSON.stringify({ ...params, settingsMd5: copy.md5, handOffWorker })}::jsonb,
                                      ${JSON.stringify(plan)}::jsonb) as r`.execute(db);
        const r = rows[0]?.r;
        if (!r?.outcome) throw new Error('ringback_missed_call answered nothing');
        return r;
      },
      (r) => r.handedOff,
    );
    const { outcome } = answer;
    if (outcome === 'stale') continue;
    // A new run's due work is its attribution: woken for only when it was not handed off.
    if (outcome === 'joined' || (outcome === 'started' && !answer.handedOff)) deps.wakeWorker?.();
    return outcome;
  }
  throw new Error(`the settings of ${call.locationId} changed ${MAX_STALE} times while a missed call was processed`);
}

/**
 * A stored webhook that is a missed inbound call, processed by its own statement (which marks the webhook
 * processed); false for every other event, which the webhook's transaction takes (ingest.ts).
 */
export async function missedCallWebhook(deps: Deps, stored: InboxEvent, job?: JobInfo): Promise<boolean> {
  const { event } = stored;
  if (event.type !== 'InboundMessage' && event.type !== 'OutboundMessage') return false;
  const call = classifyCall(event);
  if (call?.direction !== 'inbound' || call.kind !== 'missed') return false;
  const at = eventTime(event, stored.receivedAt);
  await handleMissedCall(deps.db, deps, call, at, { webhookId: stored.webhookId, ...(job ? { job } : {}) });
  return true;
}

/** What the statement needs, decided here from the settings: the line dialled, the steps' due times, the thresholds. */
function missedCallParams(
  call: CallEvent,
  at: Date,
  now: Date,
  settings: Settings,
  opts: { foundBy?: 'sweep'; webhookId?: string; job?: JobInfo },
) {
  const { trackingNumber, source } = lineOf(settings, call.to ?? null);
  const highValue = source?.highValue ?? false;
  const { soon: plan, later } = splitPlan(
    settings.sequence.map((step, ord) => ({
      ord,
      step_id: step.id,
      action: step.action,
      // A high-value lead's callback task is created at once; its due time carries the shorter SLA.
      due_at: new Date(at.getTime() + stepDelayMs(step, highValue)),
    })),
    now,
  );
  const { foundBy } = opts;
  const params = {
    webhookId: opts.webhookId ?? null,
    jobId: opts.job?.id ?? null,
    workerId: opts.job?.workerId ?? null,
    locationId: call.locationId,
    contactId: call.contactId,
    messageId: call.messageId ?? null,
    at,
    now,
    enabled: settings.enabled,
    detail: { status: call.status, from: call.from ?? null, to: call.to ?? null, ...(foundBy ? { via: foundBy } : {}) },
    status: call.status,
    from: call.from ?? null,
    trackingNumber,
    sourceTag: source?.tag ?? null,
    highValue,
    voicemailUrl: call.attachments[0] ?? null,
    conversationId: call.conversationId ?? null,
    foundBy: foundBy ?? null,
    later,
    escalateAfter: settings.escalation.afterMissedConnections,
    escalateSince: new Date(at.getTime() - settings.escalation.withinDays * DAY_MS),
    voiceAiFrom: new Date(at.getTime() - MATCH_BEFORE_MS),
    voiceAiTo: new Date(at.getTime() + MATCH_BEFORE_MS),
    voiceAiText: voiceAiText({ outcome: 'booked' } as VoiceAiCall),
  };
  return { params, plan };
}
/**
 * At the threshold of missed connections within the window, the manager gets a priority task: once per run
 * (the step row is unique per run), created at once. The count is ringback_maybe_escalate's
 * (migrations/0035_escalate_once.sql); the task is ringback_escalate_if_due's, which a missed call's own
 * statement calls with the count it took.
 */
export async function maybeEscalate(
  db: Db,
  deps: Deps,
  settings: Settings,
  call: { runId: number; locationId: string; contactId: string; at: Date },
): Promise<void> {
  const { runId, locationId, contactId, at } = call;
  const now = deps.clock.now();
  await sql`select ringback_maybe_escalate(${runId}::bigint, ${locationId}::text, ${contactId}::text,
    ${new Date(at.getTime() - settings.escalation.withinDays * DAY_MS)}::timestamptz,
    ${new Date(Math.max(now.getTime(), at.getTime()))}::timestamptz,
    ${settings.escalation.afterMissedConnections}::int, ${now}::timestamptz)`.execute(db);
}
