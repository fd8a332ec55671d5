/**
 * The sequence engine's decision for one due step: stop the run, skip the step, defer it, or send it.
 * Pure: the worker gathers the facts, this decides, the worker carries the decision out and records it.
 */
import { DEFAULT_CONSENT_TAG, type SequenceStep, type Settings } from './settings/schema.js';
import { nextOpen } from './send-window.js';
import { consentStates, effectiveCap, stateRule } from './state-rules.js';
import type { RecipientCandidates } from './timezone.js';
import { ownerTime, windowNote, windowRules } from './window-note.js';

export type StopReason =
  | 'call-returned'
  | 'answered'
  | 'replied'
  | 'booked'
  | 'task-completed'
  | 'opted-out'
  /** `settings.enabled` is false: the owner switched Ringback off. */
  | 'disabled'
  /** The run was stopped earlier for a reason outside this list. */
  | 'run-stopped';
export type SkipReason =
  | 'dnd-sms'
  | 'dnd-email'
  | 'no-email'
  | 'opted-out-sms'
  | 'not-textable'
  | 'no-send-window'
  /** A marketing text to a recipient in a written-consent state, without the owner's consent tag. */
  | 'no-consent';
/** `voice-ai-pending`: GHL's Voice AI may still be on the call (voice-ai.ts); decided beside this function. */
export type DeferReason = 'outside-send-window' | 'touch-cap' | 'voice-ai-pending';

export type StepDecision =
  | { type: 'stop'; reason: StopReason }
  | { type: 'skip'; reason: SkipReason; note?: string }
  /** `note`: why, in the owner's words ("Text waits until Tue 9:00 AM CST: Texas law, caller's area code 512."). */
  | { type: 'defer'; until: Date; reason: DeferReason; note?: string }
  | { type: 'send' };

export interface ChannelDnd {
  status?: string | null;
}

export interface DecisionContact {
  /** GHL's global DND: blocks every channel. */
  dnd: boolean;
  dndSettings?: { SMS?: ChannelDnd | null; Email?: ChannelDnd | null } | null;
  optedOutSms: boolean;
  /** A carrier said the number cannot take texts (30006: landline or unreachable). */
  notTextable: boolean;
  /** False when GHL has no email address for the contact (callers often have none); unknown counts as present. */
  hasEmail?: boolean;
  /** The contact's GHL tags; a marketing text to a written-consent state needs the consent tag among them. */
  tags?: readonly string[] | null;
}

/** When each stop condition happened; times before the run started are ignored. */
export interface RunHistory {
  callReturnedAt?: Date | null;
  answeredAt?: Date | null;
  repliedAt?: Date | null;
  bookedAt?: Date | null;
  taskCompletedAt?: Date | null;
  /** When the contact revoked consent during the run; stops it whatever `stopWhen` says. */
  optedOutAt?: Date | null;
}

export interface DecideStepInput {
  step: SequenceStep;
  settings: Pick<Settings, 'enabled' | 'stopWhen' | 'sendWindow'> & Partial<Pick<Settings, 'consent'>>;
  run: { startedAt: Date; stoppedReason?: string | null };
  contact: DecisionContact;
  history: RunHistory;
  /** Automated SMS Ringback sent to this contact; older than 24 h or later than `now` are ignored. */
  touchesLast24h: readonly Date[];
  now: Date;
  /** The recipient's zone (recipientTimezone) and state (recipientState): used when `recipient` is not given. */
  timeZone: string;
  state: string | null;
  /** Every zone and state the recipient may be in (recipientCandidates): the window must be open in all. */
  recipient?: RecipientCandidates;
}

const DAY_MS = 24 * 60 * 60 * 1000;
const STOP_REASONS: readonly string[] = [
  'call-returned',
  'answered',
  'replied',
  'booked',
  'task-completed',
  'opted-out',
  'disabled',
];

export function decideStep(input: DecideStepInput): StepDecision {
  const stop = stopReason(input);
  if (stop) return { type: 'stop', reason: stop };
  const { step, contact } = input;
  if (step.action === 'task') return { type: 'send' };
  if (step.action === 'email') {
    if (contact.dnd || isActive(contact.dndSettings?.Email)) return { type: 'skip', reason: 'dnd-email' };
    // GHL refuses an email to a contact with no address (422): skip it with its reason instead of failing.
    return contact.hasEmail === false ? { type: 'skip', reason: 'no-email' } : { type: 'send' };
  }
  if (contact.optedOutSms) return { type: 'skip', reason: 'opted-out-sms' };
  if (contact.dnd || isActive(contact.dndSettings?.SMS)) return { type: 'skip', reason: 'dnd-sms' };
  if (contact.notTextable) return { type: 'skip', reason: 'not-textable' };
  const consent = consentProblem(input, candidatesOf(input));
  if (consent) return { type: 'skip', reason: 'no-consent', note: consent };
  return smsTiming(input);
}

function candidatesOf(input: DecideStepInput): RecipientCandidates {
  if (input.recipient) return input.recipient;
  const why = "recipient's time zone";
  return {
    zones: [{ timeZone: input.timeZone, via: 'fallback', why }],
    states: input.state
      ? [{ state: input.state as RecipientCandidates['states'][number]['state'], why: `state ${input.state}` }]
      : [],
  };
}

// A marketing text needs written consent where any of the recipient's states asks for it (FL, OK, MD).
function consentProblem(input: DecideStepInput, recipient: RecipientCandidates): string | null {
  if (input.step.purpose !== 'marketing') return null;
  const needing = consentStates(recipient.states.map((s) => s.state));
  if (needing.length === 0) return null;
  const tag = input.settings.consent?.tag ?? DEFAULT_CONSENT_TAG;
  const wanted = tag.trim().toLowerCase();
  if ((input.contact.tags ?? []).some((t) => t.trim().toLowerCase() === wanted)) return null;
  const rule = needing[0]!;
  const why = recipient.states.find((s) => s.state === rule.code)?.why ?? rule.code;
  return `Text not sent: it is marketing, which needs written consent under ${rule.law} (${why}), and the contact has no "${tag}" tag.`;
}

function stopReason(input: DecideStepInput): StopReason | null {
  const { run, history, settings } = input;
  if (run.stoppedReason)
    return STOP_REASONS.includes(run.stoppedReason) ? (run.stoppedReason as StopReason) : 'run-stopped';
  const during = (at: Date | null | undefined): at is Date => !!at && at.getTime() >= run.startedAt.getTime();
  // Revocation is the law, not an owner's choice: it stops the run even with every stopWhen flag off.
  if (during(history.optedOutAt)) return 'opted-out';
  const flagged: [StopReason, boolean, Date | null | undefined][] = [
    ['call-returned', settings.stopWhen.callReturned, history.callReturnedAt],
    ['answered', settings.stopWhen.answered, history.answeredAt],
    ['replied', settings.stopWhen.replied, history.repliedAt],
    ['booked', settings.stopWhen.booked, history.bookedAt],
    ['task-completed', settings.stopWhen.taskCompleted, history.taskCompletedAt],
  ];
  // When several happened, the earliest is why the run ended; ties keep the order above.
  let earliest: { reason: StopReason; at: number } | null = null;
  for (const [reason, enabled, at] of flagged) {
    if (enabled && during(at) && (earliest === null || at.getTime() < earliest.at)) {
      earliest = { reason, at: at.getTime() };
    }
  }
  if (earliest) return earliest.reason;
  return settings.enabled ? null : 'disabled';
}

// `active` is the documented block; `permanent` (a carrier-level or legal stop) blocks all the more.
export function isActive(dnd: ChannelDnd | null | undefined): boolean {
  const status = dnd?.status?.toLowerCase();
  return status === 'active' || status === 'permanent';
}

// The send window and the rolling 24-hour cap on automated texts; a step waiting on either is deferred.
function smsTiming(input: DecideStepInput): StepDecision {
  const { now, settings } = input;
  const recipient = candidatesOf(input);
  const states = recipient.states.map((s) => s.state);
  const cap = effectiveCap(settings.sendWindow.maxTouchesPer24h, states);
  const capFreesAt = touchCapFreesAt(input.touchesLast24h, cap, now);
  const earliest = capFreesAt ?? now;
  const rules = windowRules(settings.sendWindow, recipient);
  const opensAt = nextOpen(earliest, rules);
  if (opensAt === null) {
    return {
      type: 'skip',
      reason: 'no-send-window',
      note: "Text not sent: the send window never opens in the recipient's time.",
    };
  }
  if (opensAt.getTime() === now.getTime()) return { type: 'send' };
  // The cap is named whenever it held the text back, even if the window then pushed it further.
  if (capFreesAt !== null) {
    const capLaw = states
      .map(stateRule)
      .find((rule) => rule?.cap != null && rule.cap === cap && cap < settings.sendWindow.maxTouchesPer24h);
    const whose = capLaw
      ? `${capLaw.law}, ${recipient.states.find((s) => s.state === capLaw.code)?.why}`
      : 'your setting';
    const zone = rules.zones[0] ?? 'UTC';
    const note = `Text waits until ${ownerTime(opensAt, zone)}: at most ${cap} automated texts per 24 hours (${whose}).`;
    return { type: 'defer', until: opensAt, reason: 'touch-cap', note };
  }
  return {
    type: 'defer',
    until: opensAt,
    reason: 'outside-send-window',
    note: windowNote(now, opensAt, settings.sendWindow, recipient),
  };
}

/** When one more automated text fits under `max` per rolling 24 h, or null when it fits now. */
export function touchCapFreesAt(touches: readonly Date[], max: number, now: Date): Date | null {
  const recent = touches
    .map((at) => at.getTime())
    .filter((at) => at > now.getTime() - DAY_MS && at <= now.getTime())
    .sort((a, b) => a - b);
  const limit = Math.max(1, Math.floor(max));
  if (recent.length < limit) return null;
  // Sending needs recent.length - limit + 1 of them to have aged out; the last of those decides.
  const oldest = recent[recent.length - limit];
  return oldest === undefined ? null : new Date(oldest + DAY_MS);
}
