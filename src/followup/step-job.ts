import { sql } from 'kysely';
import { z } from 'zod';
import type { Deps } from '../deps.js';
import { type GhlApi, GhlNotInstalledError } from '../ghl/api.js';
import { RetryAtError } from '../jobs/errors.js';
import { defineJob, RECORDED } from '../jobs/registry.js';
import { emailAddressProblem } from '../core/settings/email-address.js';
import { BOOKING_LINK_STEP, bookingLinkHistory, bookingLinkStep } from './booking-link.js';
import { contactHold, NOT_TEXTABLE_NOTE, REASON_WORDS } from './contact-holds.js';
import { type StepDecision, decideStep, type StopReason } from '../core/decide.js';
import type { UserDirectory } from '../ghl/users.js';
import { runHistoryFrom } from './history.js';
import { ESCALATION_STEP } from './missed-call.js';
import { type CarriedContact, carriedContactFor, carriedContactSchema } from './carried-contact.js';
import { checkGhlForContact } from './rest-check.js';
import { addRunEvent, markRestChecked, STEP_JOB, stopLocationRuns } from './runs.js';
import { type JobMark, settleStep } from './settle.js';
import { ghlJobError } from '../ghl/job-errors.js';
import { type FactsRow, loadStepFacts, type StepFacts, stepFactsFrom, stepFactsSql } from './step-facts.js';
import { effectiveCap } from '../core/state-rules.js';
import { settleUnknownSend } from './step-retry.js';
import { sendStepOnce } from './step-send.js';
import { escalationContent } from './escalation.js';
import { renderStep, templateValues } from '../core/step-content.js';
import { FALLBACK_TIMEZONE, recipientCandidates, recipientState } from '../core/timezone.js';
import { VOICE_AI_PENDING, VOICE_AI_WAIT_NOTE, voiceAiWait, withVoiceAi } from './voice-ai.js';

/**
 * One due step of a run: re-check the stop conditions and guards, then carry out exactly one of stop, skip,
 * defer or send (sends go through the intent record, so a crash never doubles a message).
 */
export function stepJob(deps: Deps, ghl: GhlApi, users: UserDirectory) {
  return defineJob({
    kind: STEP_JOB,
    // `facts` comes with the claim (claimPayload), never from the queue: null when the step is gone. `contact`
    // comes only with a hand-off from the attribution (carried-contact.ts).
    schema: z.object({
      runStepId: z.number().int(),
      facts: z.unknown().optional(),
      contact: carriedContactSchema.optional(),
    }),
    maxAttempts: 8,
    claimPayload: (now) =>
      sql`payload || jsonb_build_object('facts', ${stepFactsSql(sql`(payload->>'runStepId')::bigint`, now)})`,
    async handle({ runStepId, facts, contact }, job) {
      // The step's settle records the job done with it when it ends the job's work (jobs/registry.ts RECORDED).
      const mark: JobMark = { id: job.id, workerId: job.workerId, recorded: false };
      try {
        const given = facts === undefined ? undefined : stepFactsFrom(deps.db, facts as FactsRow | null);
        await runStep(deps, ghl, users, runStepId, mark, given, contact);
        return mark.recorded ? RECORDED : undefined;
      } catch (err) {
        // GHL refused the install itself (refresh token rejected): retrying cannot help, and neither can the
        // location's other runs; they all end now instead of each step failing its way to dead-letter.
        if (err instanceof GhlNotInstalledError) {
          await deps.db.transaction().execute((trx) => stopInstallRuns(trx, err, deps.clock.now()));
          return;
        }
        throw ghlJobError(err);
      }
    },
    async onDead({ runStepId }, error) {
      await settleStep(deps.db, {
        runStepId,
        from: ['pending', 'sending'],
        to: 'failed',
        reason: `gave up: ${error}`,
        event: { kind: 'step-failed', detail: { error } },
        at: deps.clock.now(),
      });
    },
  });
}

async function stopInstallRuns(trx: Deps['db'], err: GhlNotInstalledError, now: Date): Promise<void> {
  await stopLocationRuns(trx, err.locationId, now, 'install-revoked');
  await trx
    .updateTable('run_steps')
    .set({ state: 'stopped', reason: `install revoked: ${err.message}`.slice(0, 500), done_at: now })
    .where('location_id', '=', err.locationId)
    .where('state', 'in', ['pending', 'sending'])
    .execute();
}

async function runStep(
  deps: Deps,
  ghl: GhlApi,
  users: UserDirectory,
  runStepId: number,
  job: JobMark,
  /** Read by the claim of the job (undefined: read them now). */
  given?: StepFacts | null,
  carried?: CarriedContact,
): Promise<void> {
  const { db, clock } = deps;
  const facts = given === undefined ? await loadStepFacts(db, runStepId, clock.now()) : given;
  if (!facts || !['pending', 'sending'].includes(facts.step.state)) return;
  const { step, run, location: ctx } = facts;
  if (!ctx.installed) {
    // Another step may have just found GHL refusing the install (stopInstallRuns): its runs end the same way.
    const stop = facts.installRevoked ? 'install-revoked' : 'uninstalled';
    await settleStep(db, {
      runStepId,
      from: ['pending', 'sending'],
      to: 'stopped',
      reason: stop,
      event: { kind: 'stopped', detail: { reason: stop } },
      at: clock.now(),
      stop,
      job,
    });
    return;
  }
  // A retry of a send whose outcome is unknown: done if GHL has it, else decided again from the top below.
  if (step.state === 'sending') {
    if ((await settleUnknownSend(deps, ghl, facts)) === 'sent') return;
    return runStep(deps, ghl, users, runStepId, job);
  }
  const isEscalation = step.step_id === ESCALATION_STEP;
  const isBookingLink = step.step_id === BOOKING_LINK_STEP;
  const def = isBookingLink ? bookingLinkStep(ctx.settings) : ctx.settings.sequence.find((s) => s.id === step.step_id);
  if (!isEscalation && !def) {
    await finish(deps, job, runStepId, 'skipped', 'step-removed', false);
    return;
  }
  const goesAfterEnd = isEscalation || (isBookingLink && run.outcome === 'recovered');
  if (run.status === 'ended' && !goesAfterEnd) {
    await finish(deps, job, runStepId, 'stopped', `run ${run.outcome}: ${run.outcome_reason}`, false);
    return;
  }
  const contact =
    carriedContactFor(carried, step.location_id, step.contact_id, clock.now()) ??
    (await ghl.getContact(step.location_id, step.contact_id));
  // Until one step has asked GHL directly, every step asks: steps of a run claimed together (after an outage)
  // each see the callback whose webhook never came.
  const restChecked = !run.rest_checked_at;
  const found = restChecked ? await checkGhlForContact(deps, ghl, run) : [];
  const history = [...facts.history, ...found];
  const now = clock.now();
  const recipient = recipientCandidates({
    settingsTimezone: ctx.settings.timezone,
    contact,
    locationTimezone: ctx.timezone,
  });
  const tz = recipient.zones[0]?.timeZone ?? FALLBACK_TIMEZONE;

  let decision: StepDecision = { type: 'send' };
  if (!isEscalation && def) {
    decision = decideStep({
      step: def,
      settings: ctx.settings,
      // The booking link answers a reply: only what happened after it asked (a booking, an opt-out) stops it.
      run: { startedAt: isBookingLink ? step.due_at : run.started_at, stoppedReason: null },
      contact: {
        dnd: contact.dnd,
        dndSettings: contact.dndSettings,
        optedOutSms: facts.optedOutSms,
        notTextable: facts.notTextable,
        hasEmail: !!contact.email,
        tags: contact.tags,
      },
      history: isBookingLink
        ? bookingLinkHistory(runHistoryFrom(history, facts.taskIds))
        : runHistoryFrom(history, facts.taskIds),
      touchesLast24h: facts.touches,
      now,
      timeZone: tz,
      state: recipientState(contact),
      recipient,
    });
  }
  // GHL's Voice AI may still be talking to the caller: the first text waits for its end-of-call event, boundedly.
  const { voiceAi } = facts;
  const aiUntil = decision.type === 'send' && def ? voiceAiWait(voiceAi, def.action, run.started_at, now) : null;
  if (aiUntil) decision = { type: 'defer', until: aiUntil, reason: VOICE_AI_PENDING, note: VOICE_AI_WAIT_NOTE };
  const goes = decision.type === 'send' || decision.type === 'defer';
  const noAddress = def?.action === 'email' && emailAddressProblem(def.html, facts.businessAddress) !== null;
  const hold = goes ? (contactHold(step.action, facts, found) ?? (noAddress ? 'no-postal-address' : null)) : null;
  if (hold) {
    await finish(deps, job, runStepId, 'skipped', hold, restChecked);
    return;
  }
  if (decision.type === 'stop') {
    // The stop condition ends the run; how (recovered, lost, suppressed) is the settle's rule.
    await finish(deps, job, runStepId, 'stopped', decision.reason, restChecked, undefined, decision.reason);
    return;
  }
  if (decision.type === 'skip') {
    await finish(deps, job, runStepId, 'skipped', decision.reason, restChecked, decision.note);
    return;
  }
  if (decision.type === 'defer') {
    await db.transaction().execute(async (trx) => {
      if (restChecked) await markRestChecked(trx, run.id, now);
      // The decision's own sentence names the rule and why it applies ("Texas law, caller's area code 512").
      const words = decision.note ?? REASON_WORDS[decision.reason];
      const detail = {
        reason: decision.reason,
        until: decision.until.toISOString(),
        ...(words ? { text: words } : {}),
      };
      await addRunEvent(trx, run.id, now, 'deferred', detail, step.step_id);
    });
    throw new RetryAtError(decision.until, `deferred: ${decision.reason}`);
  }
  const repName = await users.userName(step.location_id, run.assigned_user_id);
  const values = templateValues({
    contact,
    settings: ctx.settings,
    businessName: ctx.name,
    repName,
    sourceTag: run.source_tag,
  });
  values['business.address'] = facts.businessAddress;
  const rendered = isEscalation
    ? escalationContent({ facts, contact, settings: ctx.settings, timeZone: tz, now })
    : withVoiceAi(
        renderStep({ step: def!, settings: ctx.settings, values, run: facts.runFacts, contact, timeZone: tz, now }),
        voiceAi,
      );
  if (rendered.action === 'task' && facts.notTextable) {
    rendered.body = `${rendered.body}\n${NOT_TEXTABLE_NOTE}`;
  }
  if (rendered.action === 'task' && !isEscalation && rendered.assignedTo === null) {
    rendered.assignedTo = await facts.routeNow(ctx.settings, contact);
  }
  if (isEscalation && rendered.action === 'task' && !rendered.assignedTo) {
    await finish(deps, job, runStepId, 'skipped', 'no-manager', restChecked);
    return;
  }
  const smsCap =
    rendered.action === 'sms' && !isEscalation
      ? effectiveCap(
          ctx.settings.sendWindow.maxTouchesPer24h,
          recipient.states.map((st) => st.state),
        )
      : undefined;
  await sendStepOnce(deps, ghl, facts, rendered, { restChecked, smsCap, job });
}

/** A pending step skipped or stopped, with its reason in the owner's words when there are some. */
async function finish(
  deps: Deps,
  job: JobMark,
  runStepId: number,
  state: 'skipped' | 'stopped',
  reason: string,
  restChecked: boolean,
  note?: string,
  stop?: StopReason,
): Promise<void> {
  const words = note ?? REASON_WORDS[reason];
  await settleStep(deps.db, {
    runStepId,
    from: ['pending'],
    to: state,
    reason,
    event: { kind: state, detail: { reason, ...(words ? { text: words } : {}) } },
    at: deps.clock.now(),
    restChecked,
    stop,
    job,
  });
}
