/**
 * Why a text waits or is skipped, in the owner's words, for the call's timeline and the dry run:
 * "Text waits until Tue 9:00 AM CST: Texas law, caller's area code 512."
 */
import { type ClosedRule, closedRules, type WindowRules } from './send-window.js';
import { FEDERAL_TEXT } from './shared/federal-hours.js';
import type { StateRule } from './state-rules.js';
import { localParts, type RecipientCandidates } from './timezone.js';
import { zoneFormat } from './zone-format.js';

/** `Tue 9:00 AM CST`: the instant on `timeZone`'s wall clock. */
export function ownerTime(at: Date, timeZone: string): string {
  return zoneFormat(timeZone, 'weekdayTime')
    .format(at)
    .replace(/\u202f/g, ' ')
    .replace(',', '');
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The candidates as WindowRules' plain lists. */
export function windowRules(window: WindowRules['window'], recipient: RecipientCandidates): WindowRules {
  return { window, zones: recipient.zones.map((z) => z.timeZone), states: recipient.states.map((s) => s.state) };
}

/**
 * What held a text back from `now` to `until`: a rule shut at `now` that had not opened a minute before
 * `until` (the one that opened last), state law named before the federal floor and the owner's window.
 */
export function bindingRule(now: Date, until: Date, rules: WindowRules): ClosedRule | null {
  const atNow = closedRules(now, rules);
  const before = closedRules(new Date(until.getTime() - 60_000), rules);
  const same = (a: ClosedRule, b: ClosedRule) => a.rule === b.rule && a.zone === b.zone;
  const binding = atNow.filter((a) => before.some((b) => same(a, b)));
  const pool = binding.length > 0 ? binding : atNow;
  const rank = (c: ClosedRule) => (c.rule === 'owner' ? 2 : c.rule.code === 'US' ? 1 : 0);
  return [...pool].sort((a, b) => rank(a) - rank(b))[0] ?? null;
}

/** Who a rule is, and why it applies to this recipient: "Texas law, caller's area code 512". */
export function ruleWords(
  closed: ClosedRule,
  recipient: RecipientCandidates,
  window: WindowRules['window'],
  at: Date,
): string {
  const zoneWhy = recipient.zones.find((z) => z.timeZone === closed.zone)?.why ?? closed.zone;
  if (closed.rule === 'owner') return `your send window (${window.start}-${window.end}), ${zoneWhy}`;
  const rule: StateRule = closed.rule;
  if (rule.code === 'US')
    return `${rule.law}, texts ${FEDERAL_TEXT.startWords} to ${FEDERAL_TEXT.endWords} only, ${zoneWhy}`;
  const stateWhy = recipient.states.find((s) => s.state === rule.code)?.why ?? rule.code;
  const { weekday } = localParts(at, closed.zone);
  const shutToday = rule.hours[weekday] === null ? `, no texts on ${WEEKDAYS[weekday]}s` : '';
  return `${rule.law}${shutToday}, ${stateWhy}`;
}

/** "Text waits until Tue 9:00 AM CST: Texas law, caller's area code 512." */
export function windowNote(
  now: Date,
  until: Date,
  window: WindowRules['window'],
  recipient: RecipientCandidates,
): string {
  const rules = windowRules(window, recipient);
  const binding = bindingRule(now, until, rules);
  const zone = binding?.zone ?? rules.zones[0] ?? 'UTC';
  const why = binding ? ruleWords(binding, recipient, window, now) : 'outside the send window';
  return `Text waits until ${ownerTime(until, zone)}: ${why}.`;
}
