/**
 * GHL's Voice AI answered the call (VoiceAiCallEnd, docs/ghl-webhooks.md "Voice AI"): what it did with the caller
 * changes what Ringback does with the missed call. Pure rules here; the database side is voice-ai-store.ts.
 *   booked (an APPOINTMENT_BOOKING action)  -> the caller is recovered, "handled by Voice AI": no apology text;
 *   took a message (it talked, no booking)  -> the rep's callback task carries the AI's summary;
 *   hung up within a few seconds            -> the first text offers texting instead ("prefer to text?").
 */
import type { RenderedStep } from '../core/step-content.js';
import type { VoiceAiCallEndEvent } from '../webhooks/events.js';

export type VoiceAiOutcome = 'booked' | 'message' | 'hung-up' | 'other';

/** A caller who leaves the AI within this many seconds did not want to talk to a machine. */
export const HUNG_UP_WITHIN_SEC = 10;
/**
 * How long the first text waits for a VoiceAiCallEnd at a location that uses Voice AI (one came in the last 30
 * days): the AI may still be talking to the caller at +2 min. Bounded: the event may be lost or never sent.
 */
export const VOICE_AI_WAIT_MS = 5 * 60_000;
/** An AI call belongs to a run when it began at most this long before the run's first missed call. */
export const MATCH_BEFORE_MS = 15 * 60_000;
export const VOICE_AI_WAIT_NOTE =
  'Text waits a few minutes: HighLevel’s Voice AI may still be talking to the caller, and if it books them no apology is needed.';
export const OFFER_TEXTING = 'Prefer to text? Just reply here.';
/** The job that puts a late summary on a callback task GHL already has (voice-ai-task-job.ts). */
export const VOICE_AI_TASK_JOB = 'followup.voice-ai-task';
/** The defer reason of a first text waiting for the AI; the job's reschedule note is `deferred: <reason>`. */
export const VOICE_AI_PENDING = 'voice-ai-pending';

export interface VoiceAiCall {
  callId: string;
  contactId: string | null;
  messageId: string | null;
  startedAt: Date;
  endedAt: Date;
  durationSec: number;
  outcome: VoiceAiOutcome;
  summary: string | null;
}

/** Blank is nothing; the AI's words come padded at times. */
const trimmed = (v: string | number | null | undefined): string | null =>
  typeof v === 'string' && v.trim() !== '' ? v.trim() : null;

/** Reads a VoiceAiCallEnd; null for a trial call (the agent's test from GHL's builder) or one without an id. */
export function readVoiceAiCall(event: VoiceAiCallEndEvent, receivedAt: Date): VoiceAiCall | null {
  const callId = trimmed(event.id);
  if (!callId || event.trialCall === true) return null;
  const createdAt = trimmed(event.createdAt);
  const created = createdAt ? new Date(createdAt) : null;
  const raw = typeof event.duration === 'number' ? event.duration : Number(trimmed(event.duration) ?? Number.NaN);
  const durationSec = Number.isFinite(raw) && raw >= 0 ? Math.round(raw) : 0;
  const startedAt =
    created && Number.isFinite(created.getTime()) ? created : new Date(receivedAt.getTime() - durationSec * 1000);
  const booked = (event.executedCallActions ?? []).some((a) => a?.actionType === 'APPOINTMENT_BOOKING');
  const summary = trimmed(event.summary);
  const outcome: VoiceAiOutcome = booked
    ? 'booked'
    : durationSec <= HUNG_UP_WITHIN_SEC
      ? 'hung-up'
      : summary
        ? 'message'
        : 'other';
  return {
    callId,
    contactId: trimmed(event.contactId),
    messageId: trimmed(event.messageId),
    startedAt,
    endedAt: new Date(startedAt.getTime() + durationSec * 1000),
    durationSec,
    outcome,
    summary: summary ? summary.slice(0, 2000) : null,
  };
}

/** What a step of a run knows about the Voice AI (voice-ai-store.ts loads it). */
export interface VoiceAiFacts {
  /** The location sent a VoiceAiCallEnd in the last 30 days. */
  usesVoiceAi: boolean;
  /** The latest AI call of the run's contact since the run began (MATCH_BEFORE_MS of slack). */
  call: { outcome: VoiceAiOutcome; summary: string | null } | null;
  /** This step is not the run's first text (another text of the run comes first in the sequence). */
  notFirstSms: boolean;
}

/** Until when a text waits for the AI's end-of-call event; null: it need not wait. */
export function voiceAiWait(f: VoiceAiFacts, action: string, runStartedAt: Date, now: Date): Date | null {
  if (action !== 'sms' || !f.usesVoiceAi || f.call || f.notFirstSms) return null;
  const until = new Date(runStartedAt.getTime() + VOICE_AI_WAIT_MS);
  return now < until ? until : null;
}

/** The step's content, told what the AI did: its summary on the rep's task, texting offered after a hang-up. */
export function withVoiceAi(rendered: RenderedStep, f: VoiceAiFacts): RenderedStep {
  const call = f.call;
  if (!call) return rendered;
  if (rendered.action === 'task' && call.outcome === 'message' && call.summary) {
    return { ...rendered, ...taskWithSummary(rendered, call.summary) };
  }
  if (rendered.action === 'sms' && call.outcome === 'hung-up' && !f.notFirstSms) {
    return { ...rendered, message: `${rendered.message} ${OFFER_TEXTING}` };
  }
  return rendered;
}

const SUMMARY_LEAD = "Voice AI's summary: ";
const TITLE_TAIL = ': Voice AI took a message';

/**
 * A callback task told the AI's summary: the same words whether the task is created with it or updated in GHL
 * when the summary came late (voice-ai-task-job.ts). Unchanged when it already carries a summary, so a second
 * attempt after an update whose answer was lost adds nothing.
 */
export function taskWithSummary(task: { title: string; body: string | null }, summary: string) {
  const body = task.body ?? '';
  if (body.startsWith(SUMMARY_LEAD)) return { title: task.title, body };
  return {
    title: task.title.endsWith(TITLE_TAIL) ? task.title : `${task.title}${TITLE_TAIL}`,
    body: `${SUMMARY_LEAD}${summary}\n\n${body}`,
  };
}

/** Whether GHL's task already carries a summary (the rep's own edits below it are kept). */
export function carriesSummary(body: string | null): boolean {
  return (body ?? '').startsWith(SUMMARY_LEAD);
}
