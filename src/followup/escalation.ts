import type { GhlContact } from '../ghl/api.js';
import type { Settings } from '../core/settings/schema.js';
import { callbackBrief, type RenderedStep } from '../core/step-content.js';
import type { StepFacts } from './step-facts.js';

/** The manager's priority task: who keeps missing connections, and everything tried so far. */
export function escalationContent(input: {
  facts: StepFacts;
  contact: GhlContact;
  settings: Settings;
  timeZone: string;
  now: Date;
}): RenderedStep {
  const { facts, contact, settings, timeZone, now } = input;
  const who =
    contact.name ||
    [contact.firstName, contact.lastName].filter(Boolean).join(' ') ||
    facts.run.caller_phone ||
    'A caller';
  const n = Math.max(facts.run.missed_connections, settings.escalation.afterMissedConnections);
  return {
    action: 'task',
    title: `PRIORITY: ${who} missed ${n} connections - manager follow-up`,
    body: [
      `Escalated by Ringback after ${n} missed connections within ${settings.escalation.withinDays} days.`,
      callbackBrief({ run: facts.runFacts, contact, timeZone }),
    ].join('\n'),
    dueDate: now.toISOString(),
    assignedTo: settings.escalation.managerUserId,
  };
}
