/** The dry run's timing: the engine's decision at a step's due time, repeated at each deferral's end. */
import { type DecisionContact, decideStep } from '../core/decide.js';
import type { SequenceStep, Settings } from '../core/settings/schema.js';
import type { RecipientCandidates } from '../core/timezone.js';

export type StepOutcome = 'send' | 'skip' | 'stop';

export interface PlanInput {
  step: SequenceStep;
  settings: Settings;
  contact: { dnd: boolean; tags: string[] };
  scheduled: Date;
  touches: Date[];
  timeZone: string;
  state: string | null;
  recipient: RecipientCandidates;
  at: Date;
}

export interface Plan {
  outcome: StepOutcome;
  sendAt: Date | null;
  guards: { kind: string; message: string; until?: Date }[];
}

const MAX_DEFERRALS = 5;

// As the worker would: decide at the due time, and again at the end of each deferral.
export function planStep(p: PlanInput): Plan {
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
