/**
 * The sequence engine's decision for one due step: stop the run, skip the step, defer it, or send it.
 * Pure: the worker gathers the facts, this decides, the worker carries the decision out and records it.
 */
import type { SequenceStep, Settings } from '../settings/schema.js';
import { nextOpenTime } from './send-window.js';

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
export type SkipReason = 'dnd-sms' | 'dnd-email' | 'no-email' | 'opted-out-sms' | 'not-textable' | 'no-send-window';
export type DeferReason = 'outside-send-window' | 'touch-cap';

export type StepDecision =
  | { type: 'stop'; reason: StopReason }
  | { type: 'skip'; reason: SkipReason }
  | { type: 'defer'; until: Date; reason: DeferReason }
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
  settings: Pick<Settings, 'enabled' | 'stopWhen' | 'sendWindow'>;
  run: { startedAt: Date; stoppedReason?: string | null };
  contact: DecisionContact;
  history: RunHistory;
  /** Automated SMS Ringback sent to this contact; older than 24 h or later than `now` are ignored. */
  touchesLast24h: readonly Date[];
  now: Date;
  /** The recipient's zone (recipientTimezone) and state (recipientState). */
  timeZone: string;
  state: string | null;
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
  return smsTiming(input);
}

function stopReason(input: DecideStepInput): StopReason | null {
  const { run, history, settings } = input;
  if (run.stoppedReason) return STOP_REASONS.includes(run.stoppedReason) ? (run.stoppedReason as StopReason) : 'run-stopped';
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
function isActive(dnd: ChannelDnd | null | undefined): boolean {
  const status = dnd?.status?.toLowerCase();
  return status === 'active' || status === 'permanent';
}

// The send window and the rolling 24-hour cap on automated texts; a step waiting on either is deferred.
function smsTiming(input: DecideStepInput): StepDecision {
  const { now, settings, timeZone, state } = input;
  const capFreesAt = touchCapFreesAt(input.touchesLast24h, settings.sendWindow.maxTouchesPer24h, now);
  const earliest = capFreesAt ?? now;
  const opensAt = nextOpenTime(earliest, timeZone, settings.sendWindow, state);
  if (opensAt === null) return { type: 'skip', reason: 'no-send-window' };
  if (opensAt.getTime() === now.getTime()) return { type: 'send' };
  // The cap is named whenever it held the text back, even if the window then pushed it further.
  return { type: 'defer', until: opensAt, reason: capFreesAt !== null ? 'touch-cap' : 'outside-send-window' };
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
