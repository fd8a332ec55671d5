/**
 * `POST /api/test-call`: what Ringback would do for a missed call, with the current saved settings, computed by
 * the engine's own pure helpers (decideStep, chooseAssignee, renderTemplate, nextOpenTime). Nothing is sent or
 * stored; the round-robin pointer is read, never advanced.
 */
import { type DecisionContact, decideStep } from '../core/decide.js';
import { attributionTags } from '../core/attribution.js';
import { type Assignment, type AssignmentVia, chooseAssignee } from '../core/routing.js';
import { effectiveWindow } from '../core/send-window.js';
import { type SmsSegments, smsSegments } from '../core/templates.js';
import {
  FALLBACK_TIMEZONE,
  localParts,
  type RecipientCandidates,
  recipientCandidates,
  type TimezoneSource,
} from '../core/timezone.js';
import { parseDuration } from '../core/settings/duration.js';
import { renderStep, type RenderedStep, type StepValues } from './dry-run-render.js';
import type { SequenceStep, Settings, SourceSettings } from '../core/settings/schema.js';

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
  location: { name: string | null; timezone: string | null };
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

export type StepOutcome = 'send' | 'skip' | 'stop';

export interface DryRunStep {
  id: string;
  action: SequenceStep['action'];
  after: string;
  scheduled: LocalTime;
  outcome: StepOutcome;
  /** When it would actually go out (after deferrals); null when skipped or stopped. */
  sendAt: LocalTime | null;
  guards: { kind: string; message: string; until?: LocalTime }[];
  rendered: RenderedStep;
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

const MAX_DEFERRALS = 5;

export function dryRun(input: DryRunInput): DryRun {
  const { settings, contact, at } = input;
  const source = settings.sources.find((s) => s.trackingNumber === input.trackingNumber) ?? null;
  const recipient = recipientCandidates({
    settingsTimezone: settings.timezone,
    contact: { timezone: contact.timezone, state: contact.state, phone: contact.phone },
    locationTimezone: input.location.timezone,
  });
  const zone = recipient.zones[0] ?? { timeZone: FALLBACK_TIMEZONE, via: 'fallback' as const, why: '' };
  const states = recipient.states.map((s) => s.state);
  const state = states[0] ?? null;
  const highValue = isHighValue(settings, source, contact.tags);
  const assignment =
    input.assignment ??
    chooseAssignee({ settings, source, contactTags: contact.tags, sourceTag: source?.tag ?? null, roundRobinIndex: 0 });
  const repName = assignment.userId ? (input.userNames.get(assignment.userId) ?? assignment.userId) : null;
  const values: StepValues = {
    vars: {
      'contact.firstName': contact.firstName,
      'contact.name': `${contact.firstName} ${contact.lastName}`.trim(),
      bookingLink: settings.bookingLink,
      source: source?.tag ?? null,
      'business.name': input.location.name,
      'rep.name': repName,
    },
    source,
    highValue,
    callbackWithin: settings.highValue.callbackWithin,
  };
  const time = (d: Date): LocalTime => localTime(d, zone.timeZone);
  const touches: Date[] = [];
  const steps = settings.sequence.map((step) => {
    const scheduled = new Date(at.getTime() + (parseDuration(step.after) ?? 0));
    const planned = planStep({
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
    if (planned.outcome === 'send' && step.action === 'sms' && planned.sendAt) touches.push(planned.sendAt);
    const rendered = renderStep(step, values, planned.sendAt ?? scheduled);
    return {
      id: step.id,
      action: step.action,
      after: step.after,
      scheduled: time(scheduled),
      outcome: planned.outcome,
      sendAt: planned.sendAt ? time(planned.sendAt) : null,
      guards: planned.guards.map((g) => ({ ...g, until: g.until ? time(g.until) : undefined })),
      rendered,
      segments: rendered.kind === 'sms' ? smsSegments(rendered.message) : null,
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

interface PlanInput {
  step: SequenceStep;
  settings: Settings;
  contact: TestContact;
  scheduled: Date;
  touches: Date[];
  timeZone: string;
  state: string | null;
  recipient: RecipientCandidates;
  at: Date;
}

interface Plan {
  outcome: StepOutcome;
  sendAt: Date | null;
  guards: { kind: string; message: string; until?: Date }[];
}

// The engine's decision at the due time, repeated at each deferral's end, as the worker would.
function planStep(p: PlanInput): Plan {
  const contact: DecisionContact = {
    dnd: p.contact.dnd,
    dndSettings: null,
    optedOutSms: false,
    notTextable: false,
    tags: p.contact.tags,
  };
  const guards: Plan['guards'] = [];
  let now = p.scheduled;
  for (let i = 0; i <= MAX_DEFERRALS; i += 1) {
    const decision = decideStep({
      step: p.step,
      settings: p.settings,
      run: { startedAt: p.at },
      contact,
      history: {},
      touchesLast24h: p.touches,
      now,
      timeZone: p.timeZone,
      state: p.state,
      recipient: p.recipient,
    });
    if (decision.type === 'send') return { outcome: 'send', sendAt: now, guards };
    if (decision.type === 'stop')
      return {
        outcome: 'stop',
        sendAt: null,
        guards: [...guards, { kind: decision.reason, message: GUARD_TEXT[decision.reason] ?? decision.reason }],
      };
    if (decision.type === 'skip') {
      const message = decision.note ?? GUARD_TEXT[decision.reason] ?? decision.reason;
      return { outcome: 'skip', sendAt: null, guards: [...guards, { kind: decision.reason, message }] };
    }
    const message = decision.note ?? GUARD_TEXT[decision.reason] ?? decision.reason;
    guards.push({ kind: decision.reason, message, until: decision.until });
    now = decision.until;
  }
  return { outcome: 'skip', sendAt: null, guards };
}

const GUARD_TEXT: Record<string, string> = {
  'outside-send-window': "outside the send window in the recipient's local time: deferred to the next open minute",
  'touch-cap': 'the contact already had the maximum automated texts in the last 24 hours: deferred',
  'dnd-sms': 'the contact has Do Not Disturb on: no text is sent',
  'dnd-email': 'the contact has Do Not Disturb on: no email is sent',
  'no-send-window': "the send window never opens for this recipient's state rules: skipped",
  'no-consent': 'a marketing text needs written consent in this state, and the contact has no consent tag: skipped',
  disabled: 'Ringback is switched off: nothing is sent',
};

function isHighValue(settings: Settings, source: SourceSettings | null, tags: readonly string[]): boolean {
  if (source?.highValue) return true;
  const wanted = new Set(settings.highValue.tags.map((t) => t.trim().toLowerCase()));
  return tags.some((t) => wanted.has(t.trim().toLowerCase()));
}

export function localTime(at: Date, timeZone: string): LocalTime {
  const parts = localParts(at, timeZone);
  return { utc: at.toISOString(), local: `${parts.date} ${clock(parts.minute)}`, timeZone };
}

function clock(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}
