/**
 * `POST /api/test-call`: what Ringback would do for a missed call, with the current saved settings, computed by
 * the engine's own pure core (decideStep, chooseAssignee, renderStep): the page shows the texts, titles and due
 * times the engine would send. Nothing is sent or stored; the round-robin pointer is read, never advanced.
 */
import { attributionTags, isHighValue, lineOf } from '../core/attribution.js';
import { type Assignment, type AssignmentVia, chooseAssignee } from '../core/routing.js';
import { effectiveWindow } from '../core/send-window.js';
import { formatDurationWords, parseDuration } from '../core/shared/duration.js';
import type { SequenceStep, Settings } from '../core/settings/schema.js';
import { type RenderedStep, type RunFacts, renderStep, stepDelayMs, templateValues } from '../core/step-content.js';
import { type SmsSegments, smsSegments } from '../core/templates.js';
import { FALLBACK_TIMEZONE, localParts, recipientCandidates, type TimezoneSource } from '../core/timezone.js';
import { type Plan, planStep, type StepOutcome } from './dry-run-plan.js';

export interface TestContact {
  firstName: string;
  lastName: string;
  phone: string;
  state?: string | null;
  timezone?: string | null;
  tags: string[];
  dnd: boolean;
}

export interface DryRunInput {
  settings: Settings;
  contact: TestContact;
  trackingNumber: string | null;
  at: Date;
  /** The location as the engine reads it: its name, zone and the postal address GHL has for it. */
  location: { name: string | null; timezone: string | null; address: string | null };
  userNames: ReadonlyMap<string, string>;
  /** Who the engine would assign next (peekRep); without it, the first of the round-robin. */
  assignment?: Assignment;
}

export interface LocalTime {
  utc: string;
  /** `YYYY-MM-DD HH:MM` on the recipient's wall clock. */
  local: string;
  timeZone: string;
}

export interface DryRunStep {
  id: string;
  action: SequenceStep['action'];
  after: string;
  scheduled: LocalTime;
  outcome: StepOutcome;
  /** When it would actually go out (after deferrals); null when skipped or stopped. */
  sendAt: LocalTime | null;
  guards: { kind: string; message: string; until?: LocalTime }[];
  /** Exactly what the engine would send: its own renderStep, with the run this call would start. */
  rendered: RenderedStep;
  /** The line's own wording replaced the step's. */
  ownText: boolean;
  /** A task's due time on the recipient's clock; null for texts and emails. */
  due: LocalTime | null;
  note: string | null;
  segments: SmsSegments | null;
}

export interface DryRun {
  at: LocalTime;
  enabled: boolean;
  source: { trackingNumber: string; tag: string; highValue: boolean } | null;
  highValue: boolean;
  tags: string[];
  assignee: { userId: string | null; name: string | null; via: AssignmentVia };
  recipient: {
    timeZone: string;
    via: TimezoneSource;
    state: string | null;
    window: { start: string; end: string } | null;
    /** Every zone and state the recipient may be in; a text waits until all of them are open. */
    zones: { timeZone: string; why: string }[];
    states: { state: string; why: string }[];
  };
  steps: DryRunStep[];
}

export function dryRun(input: DryRunInput): DryRun {
  const { settings, contact, at } = input;
  const { trackingNumber, source } = lineOf(settings, input.trackingNumber);
  const recipient = recipientCandidates({
    settingsTimezone: settings.timezone,
    contact: { timezone: contact.timezone, state: contact.state, phone: contact.phone },
    locationTimezone: input.location.timezone,
  });
  const zone = recipient.zones[0] ?? { timeZone: FALLBACK_TIMEZONE, via: 'fallback' as const, why: '' };
  const states = recipient.states.map((s) => s.state);
  const state = states[0] ?? null;
  const highValue = isHighValue(settings, source?.highValue ?? false, contact.tags);
  const assignment =
    input.assignment ??
    chooseAssignee({ settings, source, contactTags: contact.tags, sourceTag: source?.tag ?? null, roundRobinIndex: 0 });
  const repName = assignment.userId ? (input.userNames.get(assignment.userId) ?? assignment.userId) : null;
  const time = (d: Date): LocalTime => localTime(d, zone.timeZone);
  const touches: Date[] = [];
  // In the order the engine meets them (a high-value lead's task first): by due time, ties in document order.
  const inDueOrder = settings.sequence
    .map((step, i) => ({ step, i, ms: stepDelayMs(step, highValue) }))
    .sort((a, b) => a.ms - b.ms || a.i - b.i)
    .map(({ step }) => step);
  const plans = inDueOrder.map((step) => {
    const scheduled = new Date(at.getTime() + stepDelayMs(step, highValue));
    const plan = planStep({
      step,
      settings,
      contact,
      scheduled,
      touches,
      timeZone: zone.timeZone,
      state,
      recipient,
      at,
    });
    if (plan.outcome === 'send' && step.action === 'sms' && plan.sendAt) touches.push(plan.sendAt);
    return { step, scheduled, plan };
  });
  const ghlContact = { firstName: contact.firstName, lastName: contact.lastName, phone: contact.phone };
  const values = templateValues({
    contact: ghlContact,
    settings,
    businessName: input.location.name,
    repName,
    sourceTag: source?.tag ?? null,
  });
  values['business.address'] = input.location.address;
  const run: Omit<RunFacts, 'stepsDone'> = {
    startedAt: at,
    sourceTag: source?.tag ?? null,
    trackingNumber,
    callerPhone: contact.phone,
    highValue,
    missedConnections: 1,
    assignedUserId: assignment.userId,
    voicemailUrl: null,
  };
  const steps = plans.map(({ step, scheduled, plan }) => {
    const now = plan.sendAt ?? scheduled;
    const stepsDone = sentBefore(plans, now);
    const rendered = renderStep({
      step,
      settings,
      values,
      run: { ...run, stepsDone },
      contact: ghlContact,
      timeZone: zone.timeZone,
      now,
    });
    return {
      id: step.id,
      action: step.action,
      after: step.after,
      scheduled: time(scheduled),
      outcome: plan.outcome,
      sendAt: plan.sendAt ? time(plan.sendAt) : null,
      guards: plan.guards.map((g) => ({ ...g, until: g.until ? time(g.until) : undefined })),
      rendered,
      ownText: source?.messages[step.id] !== undefined,
      due: rendered.action === 'task' ? time(new Date(rendered.dueDate)) : null,
      note: step.action === 'task' && highValue ? highValueNote(settings) : null,
      segments: rendered.action === 'sms' ? smsSegments(rendered.message) : null,
    };
  });
  const window = effectiveWindow(settings.sendWindow, states, localParts(at, zone.timeZone).date);
  return {
    at: time(at),
    enabled: settings.enabled,
    source: source ? { trackingNumber: source.trackingNumber, tag: source.tag, highValue: source.highValue } : null,
    highValue,
    tags: attributionTags(source?.tag ?? null, highValue),
    assignee: { userId: assignment.userId, name: repName, via: assignment.via },
    recipient: {
      timeZone: zone.timeZone,
      via: zone.via,
      state,
      window: window ? { start: clock(window.start), end: clock(window.end) } : null,
      zones: recipient.zones.map(({ timeZone, why }) => ({ timeZone, why })),
      states: recipient.states,
    },
    steps,
  };
}

/** The steps the engine would have sent before `now`, as its task brief lists them ("Already sent: ..."). */
function sentBefore(plans: { step: SequenceStep; plan: Plan }[], now: Date): RunFacts['stepsDone'] {
  return plans
    .filter(({ plan }) => plan.outcome === 'send' && plan.sendAt && plan.sendAt < now)
    .map(({ step, plan }) => ({ stepId: step.id, action: step.action, at: plan.sendAt as Date }))
    .sort((a, b) => a.at.getTime() - b.at.getTime());
}

function highValueNote(settings: Settings): string {
  const within = parseDuration(settings.highValue.callbackWithin) ?? 300_000;
  return `High-value lead: the callback task is created at once, due within ${formatDurationWords(within)}.`;
}

export function localTime(at: Date, timeZone: string): LocalTime {
  const parts = localParts(at, timeZone);
  return { utc: at.toISOString(), local: `${parts.date} ${clock(parts.minute)}`, timeZone };
}

function clock(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}
