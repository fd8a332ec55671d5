/**
 * When an automated text may go: inside the owner's window, the federal floor and every state rule that applies
 * (state-rules.ts), on the wall clock of every zone the recipient may be in. Pure.
 */
import { parseClock } from './shared/clock-text.js';
import { FEDERAL_RULE, hoursOn, type StateRule, stateRule } from './state-rules.js';
import { addDays, localParts, localToInstant } from './timezone.js';

/** The `sendWindow` of the settings document; only `start` and `end` matter here. */
export interface SendWindowSettings {
  start: string;
  end: string;
}

/** A day's open hours as minutes since local midnight: `start` inclusive, `end` exclusive (1440 = midnight). */
export interface LocalWindow {
  start: number;
  end: number;
}

/** The owner's window and the recipient's candidate zones and states. */
export interface WindowRules {
  window: SendWindowSettings;
  zones: readonly string[];
  states: readonly string[];
}

/** The federal floor and the rows of `states` that have one. */
export function rulesFor(states: readonly string[]): StateRule[] {
  const rows = [FEDERAL_RULE];
  for (const code of states) {
    const row = stateRule(code);
    if (row && !rows.includes(row)) rows.push(row);
  }
  return rows;
}

function asList(states: string | readonly string[] | null | undefined): readonly string[] {
  if (states === null || states === undefined) return [];
  return typeof states === 'string' ? [states] : states;
}

/**
 * The window that applies on `localDate` (`YYYY-MM-DD`, the recipient's calendar day) to a recipient in
 * `states`: the owner's window narrowed by the federal floor and each state's hours for that weekday; null
 * when nothing is left of it that day.
 */
export function effectiveWindow(
  window: SendWindowSettings,
  states: string | readonly string[] | null | undefined,
  localDate: string,
): LocalWindow | null {
  let start = parseClock(window.start);
  let end = parseClock(window.end);
  if (start === null || end === null) return null;
  const weekday = new Date(`${localDate}T00:00:00Z`).getUTCDay();
  for (const rule of rulesFor(asList(states))) {
    const hours = hoursOn(rule, weekday);
    if (hours === null) return null;
    start = Math.max(start, hours.start);
    end = Math.min(end, hours.end);
  }
  return start < end ? { start, end } : null;
}

/** Whether `at` is inside the effective window in every zone of `rules`. */
export function isOpen(at: Date, rules: WindowRules): boolean {
  return rules.zones.every((zone) => {
    const local = localParts(at, zone);
    const open = effectiveWindow(rules.window, rules.states, local.date);
    return open !== null && local.minute >= open.start && local.minute < open.end;
  });
}

// A week covers every weekday rule, plus a day for zones whose date is ahead of the first one's.
const SEARCH_DAYS = 9;

/**
 * `now` when it is open, else the first instant that is open in every zone (in real time, so daylight saving
 * changes are honoured), or null when none is in the next week (the rules shut every day).
 */
export function nextOpen(now: Date, rules: WindowRules): Date | null {
  if (rules.zones.length === 0 || isOpen(now, rules)) return rules.zones.length === 0 ? null : now;
  // The open set is an intersection of per-zone intervals: its first instant is where some zone's day opens.
  const openings: number[] = [];
  for (const zone of rules.zones) {
    const today = localParts(now, zone).date;
    for (let day = 0; day < SEARCH_DAYS; day += 1) {
      const date = addDays(today, day);
      const open = effectiveWindow(rules.window, rules.states, date);
      if (open === null) continue;
      const opensAt = localToInstant(date, open.start, zone).getTime();
      if (opensAt > now.getTime()) openings.push(opensAt);
    }
  }
  openings.sort((a, b) => a - b);
  const first = openings.find((at) => isOpen(new Date(at), rules));
  return first === undefined ? null : new Date(first);
}

/** A rule that is shut at some instant, and the zone whose clock shuts it. */
export interface ClosedRule {
  /** A row of state-rules.ts, or `owner` for the settings' own window. */
  rule: StateRule | 'owner';
  zone: string;
}

/** Every rule shut at `at`, with the zone where it is: what a deferral is waiting for. */
export function closedRules(at: Date, rules: WindowRules): ClosedRule[] {
  const closed: ClosedRule[] = [];
  const start = parseClock(rules.window.start) ?? 0;
  const end = parseClock(rules.window.end) ?? 0;
  for (const zone of rules.zones) {
    const local = localParts(at, zone);
    for (const rule of rulesFor(rules.states)) {
      const hours = hoursOn(rule, local.weekday);
      if (hours === null || local.minute < hours.start || local.minute >= hours.end) closed.push({ rule, zone });
    }
    if (local.minute < start || local.minute >= end) closed.push({ rule: 'owner', zone });
  }
  return closed;
}

/** Whether `now` falls inside the effective window of `state` in `timeZone` (one candidate of each). */
export function isInSendWindow(
  now: Date,
  timeZone: string,
  window: SendWindowSettings,
  state: string | null | undefined,
): boolean {
  return isOpen(now, { window, zones: [timeZone], states: asList(state) });
}

/** nextOpen for one zone and at most one state. */
export function nextOpenTime(
  now: Date,
  timeZone: string,
  window: SendWindowSettings,
  state: string | null | undefined,
): Date | null {
  return nextOpen(now, { window, zones: [timeZone], states: asList(state) });
}
