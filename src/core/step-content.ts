import { parseDuration } from './shared/duration.js';
import type { SequenceStep, Settings } from './settings/schema.js';
import { renderTemplate, type TemplateValues } from './templates.js';
import { localParts } from './timezone.js';

/** The contact's fields a step's text uses: GHL's contact (ghl/api.ts) has them, and so does the page's test caller. */
export interface StepContact {
  firstName?: string | null;
  lastName?: string | null;
  name?: string | null;
  phone?: string | null;
}

export type RenderedStep =
  | { action: 'sms'; message: string; fromNumber?: string }
  | { action: 'email'; subject: string; html: string }
  | { action: 'task'; title: string; body: string; dueDate: string; assignedTo: string | null };

export interface RunFacts {
  startedAt: Date;
  sourceTag: string | null;
  trackingNumber: string | null;
  callerPhone: string | null;
  highValue: boolean;
  missedConnections: number;
  assignedUserId: string | null;
  voicemailUrl: string | null;
  stepsDone: Array<{ stepId: string; action: string; at: Date }>;
}

export function templateValues(input: {
  contact: StepContact;
  settings: Settings;
  businessName: string | null;
  repName: string | null;
  sourceTag: string | null;
}): TemplateValues {
  const { contact } = input;
  const name = contact.name || [contact.firstName, contact.lastName].filter(Boolean).join(' ') || null;
  return {
    'contact.firstName': contact.firstName ?? null,
    'contact.name': name,
    bookingLink: input.settings.bookingLink,
    source: input.sourceTag,
    'business.name': input.businessName,
    'rep.name': input.repName,
  };
}

/** How long after the call a step falls due: a high-value lead's callback task is created at once. */
export function stepDelayMs(step: SequenceStep, highValue: boolean): number {
  return step.action === 'task' && highValue ? 0 : (parseDuration(step.after) ?? 0);
}

/** The text of a step for this contact: the source's own wording when it has one, else the step's. */
export function renderStep(input: {
  step: SequenceStep;
  settings: Settings;
  values: TemplateValues;
  run: RunFacts;
  contact: StepContact;
  timeZone: string;
  now: Date;
}): RenderedStep {
  const { step, settings, values, run } = input;
  const source = settings.sources.find((s) => s.tag === run.sourceTag && s.trackingNumber === run.trackingNumber);
  const override = source?.messages[step.id];
  if (step.action === 'sms') {
    const message = renderTemplate(override ?? step.message, values, { html: false });
    return { action: 'sms', message, ...(run.trackingNumber ? { fromNumber: run.trackingNumber } : {}) };
  }
  if (step.action === 'email') {
    return {
      action: 'email',
      subject: renderTemplate(step.subject, values, { html: false }),
      html: renderTemplate(override ?? step.html, values, { html: true }),
    };
  }
  const dueInMs = run.highValue
    ? (parseDuration(settings.highValue.callbackWithin) ?? 300_000)
    : (parseDuration(step.dueIn) ?? 0);
  // A rep must see who to call: a caller GHL has no name for is named by their number, never "there".
  const named = values['contact.name'] || values['contact.firstName'];
  const taskValues = named ? values : { ...values, 'contact.name': run.callerPhone ?? input.contact.phone ?? null };
  const title = renderTemplate(override ?? step.title, taskValues, { html: false });
  return {
    action: 'task',
    title: run.highValue ? `PRIORITY: ${title}` : title,
    body: callbackBrief(input),
    dueDate: new Date(input.now.getTime() + dueInMs).toISOString(),
    assignedTo: run.assignedUserId,
  };
}

/** What a rep needs to call back well, in the task's body. */
export function callbackBrief(input: { run: RunFacts; contact: StepContact; timeZone: string }): string {
  const { run, contact, timeZone } = input;
  const when = formatLocal(run.startedAt, timeZone);
  const who = contact.name || [contact.firstName, contact.lastName].filter(Boolean).join(' ') || 'Unknown caller';
  const lines = [
    `${who} (${run.callerPhone ?? contact.phone ?? 'no number'}) called and nobody answered.`,
    `Line: ${run.sourceTag ?? 'untracked number'}${run.trackingNumber ? ` (${run.trackingNumber})` : ''}`,
    `When: ${when}`,
    `Missed connections so far: ${run.missedConnections}`,
    run.highValue ? 'High-value lead: call back first.' : '',
    run.stepsDone.length
      ? `Already sent: ${run.stepsDone.map((s) => `${s.action} (${s.stepId}) at ${formatLocal(s.at, timeZone)}`).join('; ')}`
      : 'Nothing sent yet.',
    run.voicemailUrl ? `Voicemail / recording: ${run.voicemailUrl}` : '',
  ];
  return lines.filter(Boolean).join('\n');
}

export function formatLocal(at: Date, timeZone: string): string {
  const p = localParts(at, timeZone);
  const hh = String(Math.floor(p.minute / 60)).padStart(2, '0');
  const mm = String(p.minute % 60).padStart(2, '0');
  return `${p.date} ${hh}:${mm} (${timeZone})`;
}
