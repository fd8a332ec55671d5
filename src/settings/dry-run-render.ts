/** The texts a dry-run step would carry, rendered by the engine's template function. */
import { renderTemplate, type TemplateValues } from '../core/templates.js';
import { parseDuration } from '../core/settings/duration.js';
import type { SequenceStep, SourceSettings } from '../core/settings/schema.js';

export interface StepValues {
  vars: TemplateValues;
  source: SourceSettings | null;
  highValue: boolean;
  callbackWithin: string;
}

export type RenderedStep =
  | { kind: 'sms'; message: string; overriddenBySource: boolean }
  | { kind: 'task'; title: string; body: string | null; dueAt: string; note: string | null }
  | { kind: 'email'; subject: string; html: string };

export function renderStep(step: SequenceStep, values: StepValues, at: Date): RenderedStep {
  const text = (t: string) => renderTemplate(t, values.vars, { html: false });
  if (step.action === 'sms') {
    const override = values.source?.messages[step.id];
    return { kind: 'sms', message: text(override ?? step.message), overriddenBySource: override !== undefined };
  }
  if (step.action === 'task') {
    const due = new Date(at.getTime() + (parseDuration(step.dueIn) ?? 0));
    return {
      kind: 'task',
      title: text(step.title),
      body: step.body === undefined ? null : text(step.body),
      dueAt: due.toISOString(),
      note: values.highValue
        ? `high-value lead: callback expected within ${values.callbackWithin}, as a priority task`
        : null,
    };
  }
  return {
    kind: 'email',
    subject: text(step.subject),
    html: renderTemplate(step.html, values.vars, { html: true }),
  };
}
