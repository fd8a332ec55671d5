/**
 * Validation of a whole settings document for `PUT /api/settings`: every problem at once, each with the JSON
 * path of the field the settings page should highlight (`sequence[1].after`, `sources[0].trackingNumber`).
 *
 * Field formats come from the schema; the rules spanning fields run on the raw input as well, so that a
 * document with a bad email still gets its duplicate step ids reported in the same answer.
 */
import type { z } from 'zod';
import { parseClock } from '../shared/clock-text.js';
import { parseDuration } from '../shared/duration.js';
import { beyondFederalHours, FEDERAL_TEXT } from '../shared/federal-hours.js';
import { type Settings, settingsSchema } from './schema.js';
import { withHint } from './validate-hints.js';

export interface SettingsProblem {
  path: string;
  message: string;
}

export type SettingsValidation = { ok: true; settings: Settings } | { ok: false; problems: SettingsProblem[] };

export interface ValidationContext {
  /** The location's users; when given, every user id in the document must be one of them. */
  knownUserIds?: readonly string[];
}

export function validateSettings(input: unknown, ctx: ValidationContext = {}): SettingsValidation {
  const parsed = settingsSchema.safeParse(input, { error: friendlyMessage });
  const problems = parsed.success ? [] : parsed.error.issues.flatMap(toProblems);
  problems.push(...crossFieldProblems(record(input), ctx));
  if (problems.length > 0 || !parsed.success) {
    return { ok: false, problems: problems.map((p) => ({ ...p, message: withHint(p, valueAt(input, p.path)) })) };
  }
  return { ok: true, settings: { ...parsed.data, sequence: inTimeOrder(parsed.data.sequence) } };
}

/**
 * Every step's wait counts from the missed call, so the order of the list means nothing to the engine: the
 * document is kept in time order (a stable sort, ties keep their order), so what is saved, shown and run agree.
 */
function inTimeOrder(sequence: Settings['sequence']): Settings['sequence'] {
  return sequence
    .map((step, i) => ({ step, i, ms: parseDuration(step.after) ?? 0 }))
    .sort((a, b) => a.ms - b.ms || a.i - b.i)
    .map(({ step }) => step);
}

/** The raw value a top-level or one-level path (`bookingLink`, `digest.at`) names, for the hint. */
function valueAt(input: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => record(node)[key], input);
}

/** `['sequence', 1, 'after']` → `sequence[1].after`; keys that are not identifiers are quoted: `messages["a-b"]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

function friendlyMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== 'invalid_type') return undefined;
  if (issue.input === undefined) return 'is required';
  const expected =
    issue.expected === 'array' || issue.expected === 'object' ? `an ${issue.expected}` : `a ${issue.expected}`;
  return `must be ${expected}`;
}

function toProblems(issue: z.core.$ZodIssue): SettingsProblem[] {
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({ path: formatPath([...issue.path, key]), message: 'is not a known setting' }));
  }
  // Zod's text for a bad `action` names its internals ("discriminator"); the owner needs the choices.
  if (issue.code === 'invalid_union' && issue.path[issue.path.length - 1] === 'action') {
    return [{ path: formatPath(issue.path), message: 'must be "sms", "task" or "email"' }];
  }
  return [{ path: formatPath(issue.path), message: issue.message }];
}

function crossFieldProblems(doc: Record<string, unknown>, ctx: ValidationContext): SettingsProblem[] {
  return [
    ...stepIdProblems(doc),
    ...sourceProblems(doc),
    ...windowProblems(record(doc.sendWindow)),
    ...(ctx.knownUserIds ? userProblems(doc, new Set(ctx.knownUserIds)) : []),
  ];
}

function stepIdProblems(doc: Record<string, unknown>): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const firstIndex = new Map<string, number>();
  list(doc.sequence).forEach((step, i) => {
    const id = record(step).id;
    if (typeof id !== 'string') return;
    const first = firstIndex.get(id);
    if (first === undefined) firstIndex.set(id, i);
    else
      problems.push({
        path: `sequence[${i}].id`,
        message: `duplicate step id "${id}" (step ${first + 1} has it too)`,
      });
  });
  return problems;
}

/**
 * What a line's own wording replaces in each kind of step (core/step-content.ts renderStep), and that field's
 * limit in the step itself (schema.ts).
 */
const OVERRIDDEN: Record<string, { field: string; max: number }> = {
  sms: { field: 'text', max: 1600 },
  task: { field: 'task title', max: 200 },
  email: { field: 'email body', max: 100_000 },
};

function sourceProblems(doc: Record<string, unknown>): SettingsProblem[] {
  const actions = new Map<string, unknown>();
  for (const step of list(doc.sequence)) {
    const { id, action } = record(step);
    if (typeof id === 'string' && !actions.has(id)) actions.set(id, action);
  }
  const problems: SettingsProblem[] = [];
  const numbers = new Map<string, number>();
  list(doc.sources).forEach((item, i) => {
    const source = record(item);
    if (typeof source.trackingNumber === 'string') {
      const first = numbers.get(source.trackingNumber);
      if (first === undefined) numbers.set(source.trackingNumber, i);
      else {
        const other = record(list(doc.sources)[first]).tag;
        const name = typeof other === 'string' && other.trim() ? `"${other}"` : `source ${first + 1}`;
        problems.push({
          path: `sources[${i}].trackingNumber`,
          message: `is already mapped by another source (${name})`,
        });
      }
    }
    for (const key of Object.keys(record(source.messages))) {
      const path = formatPath(['sources', i, 'messages', key]);
      const action = actions.get(key);
      if (!actions.has(key)) problems.push({ path, message: `"${key}" is not the id of a step in the sequence` });
      const replaced = OVERRIDDEN[String(action)];
      const text = record(source.messages)[key];
      if (replaced && typeof text === 'string' && text.length > replaced.max) {
        problems.push({
          path,
          message: `must be at most ${replaced.max.toLocaleString('en-US')} characters (it replaces the ${replaced.field} of step "${key}")`,
        });
      }
    }
  });
  return problems;
}

function windowProblems(window: Record<string, unknown>): SettingsProblem[] {
  const start = typeof window.start === 'string' && window.start !== '24:00' ? parseClock(window.start) : null;
  const end = typeof window.end === 'string' ? parseClock(window.end) : null;
  const problems: SettingsProblem[] = [];
  // The law's hours are floors (docs/compliance-hours.md): a window may be narrower, never wider.
  const { opensEarly, closesLate } = beyondFederalHours(start, end);
  if (opensEarly) {
    problems.push({
      path: 'sendWindow.start',
      message: `must be ${FEDERAL_TEXT.start} or later: federal law (TCPA, 47 CFR 64.1200(c)(1)) allows no automated texts before ${FEDERAL_TEXT.startWords} in the recipient's time`,
    });
  }
  if (closesLate) {
    problems.push({
      path: 'sendWindow.end',
      message: `must be ${FEDERAL_TEXT.end} or earlier: federal law (TCPA, 47 CFR 64.1200(c)(1)) allows no automated texts from ${FEDERAL_TEXT.endWords} in the recipient's time`,
    });
  }
  // A window across midnight is refused rather than guessed: "21:00-08:00" is more often a typo than a night shift.
  if (start !== null && end !== null && end <= start) {
    problems.push({ path: 'sendWindow.end', message: `must be after start (${String(window.start)})` });
  }
  return problems;
}

function userProblems(doc: Record<string, unknown>, known: ReadonlySet<string>): SettingsProblem[] {
  const problems: SettingsProblem[] = [];
  const check = (value: unknown, path: PropertyKey[]) => {
    if (typeof value === 'string' && !known.has(value)) {
      problems.push({ path: formatPath(path), message: `"${value}" is not a user of this location` });
    }
  };
  const routing = record(doc.routing);
  for (const [i, id] of list(routing.userIds).entries()) check(id, ['routing', 'userIds', i]);
  for (const [i, rule] of list(routing.rules).entries()) {
    for (const [j, id] of list(record(rule).userIds).entries()) check(id, ['routing', 'rules', i, 'userIds', j]);
  }
  for (const [i, source] of list(doc.sources).entries()) {
    for (const [j, id] of list(record(source).assignTo).entries()) check(id, ['sources', i, 'assignTo', j]);
  }
  check(record(doc.escalation).managerUserId, ['escalation', 'managerUserId']);
  return problems;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
