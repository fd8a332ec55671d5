/**
 * The law's limits on automated texts, as data: one row per jurisdiction (docs/compliance-hours.md has the
 * table with its sources). Hours are the recipient's local wall clock; an owner's settings can only narrow
 * them. Pure: no clock, no I/O.
 */

import { FEDERAL_HOURS } from './shared/federal-hours.js';

/** Open hours of one day as minutes since local midnight: `start` inclusive, `end` exclusive. */
export interface DayHours {
  start: number;
  end: number;
}

export interface StateRule {
  /** Two-letter state code, or `US` for the federal floor that applies to every recipient. */
  code: string;
  /** How the page and the timeline name the rule: "Texas law". */
  law: string;
  /** Sunday first (index 0) to Saturday (6); null: no automated texts at all that day. */
  hours: readonly (DayHours | null)[];
  /** Automated texts per contact per rolling 24 h, or null when the law sets none. */
  cap: number | null;
  /** Whether a marketing text needs the recipient's prior express written consent. */
  writtenConsent: boolean;
  /** The statute (or, when `secondary`, the vendors' state tables) the row follows. */
  source: string;
  /** True when the row comes from compliance vendors' tables rather than from the statute's text. */
  secondary: boolean;
}

const at = (hour: number, minute = 0) => hour * 60 + minute;
const open = (from: number, to: number): DayHours => ({ start: at(from), end: at(to) });
const everyDay = (hours: DayHours): DayHours[] => [hours, hours, hours, hours, hours, hours, hours];
/** Monday-Saturday `weekdays`, `sunday` on Sunday. */
const withSunday = (weekdays: DayHours | null, sunday: DayHours | null): (DayHours | null)[] => [
  sunday,
  weekdays,
  weekdays,
  weekdays,
  weekdays,
  weekdays,
  weekdays,
];

export const FEDERAL_RULE: StateRule = {
  code: 'US',
  law: 'federal law (TCPA)',
  hours: everyDay(FEDERAL_HOURS),
  cap: null,
  writtenConsent: false,
  source: 'TCPA, 47 CFR 64.1200(c)(1)',
  secondary: false,
};

export const STATE_RULES: readonly StateRule[] = [
  {
    code: 'FL',
    law: 'Florida law',
    hours: everyDay(open(8, 20)),
    cap: 3,
    writtenConsent: true,
    source: 'Fla. Stat. 501.616(6) (SB 1120, 2021); 501.059',
    secondary: false,
  },
  {
    code: 'OK',
    law: 'Oklahoma law',
    hours: everyDay(open(8, 20)),
    cap: 3,
    writtenConsent: true,
    source: 'Telephone Solicitation Act of 2022, 15 O.S. 775C',
    secondary: false,
  },
  {
    code: 'MD',
    law: 'Maryland law',
    hours: everyDay(open(8, 20)),
    cap: 3,
    writtenConsent: true,
    source: 'Stop the Spam Calls Act (SB 90), from 2024-01-01',
    secondary: false,
  },
  {
    code: 'TX',
    law: 'Texas law',
    hours: withSunday(open(9, 21), open(12, 21)),
    cap: null,
    writtenConsent: false,
    source: 'Tex. Bus. & Com. Code 301.051; SB 140 (texts from 2025-09-01)',
    secondary: false,
  },
  {
    code: 'CT',
    law: 'Connecticut law',
    hours: everyDay(open(9, 20)),
    cap: null,
    writtenConsent: false,
    source: 'CGS 42-288a (SB 1058), from 2023-10-01',
    secondary: false,
  },
  {
    code: 'WA',
    law: 'Washington law',
    hours: everyDay(open(8, 20)),
    cap: null,
    writtenConsent: false,
    source: 'RCW 19.158.040',
    secondary: false,
  },
  {
    code: 'AL',
    law: 'Alabama law',
    hours: withSunday(open(8, 21), null),
    cap: null,
    writtenConsent: false,
    source: 'state tables',
    secondary: true,
  },
  {
    code: 'LA',
    law: 'Louisiana law',
    hours: withSunday(open(8, 21), null),
    cap: null,
    writtenConsent: false,
    source: 'state tables',
    secondary: true,
  },
  {
    code: 'MS',
    law: 'Mississippi law',
    hours: withSunday(open(8, 21), null),
    cap: null,
    writtenConsent: false,
    source: 'state tables',
    secondary: true,
  },
  {
    code: 'RI',
    law: 'Rhode Island law',
    hours: [null, open(9, 18), open(9, 18), open(9, 18), open(9, 18), open(9, 18), open(10, 17)],
    cap: null,
    writtenConsent: false,
    source: 'state tables',
    secondary: true,
  },
  {
    code: 'MA',
    law: 'Massachusetts law',
    hours: everyDay(open(8, 20)),
    cap: null,
    writtenConsent: false,
    source: 'state tables',
    secondary: true,
  },
];

const BY_CODE: ReadonlyMap<string, StateRule> = new Map(STATE_RULES.map((rule) => [rule.code, rule]));

/** The row of a state, or null when the state's law adds nothing to the federal floor. */
export function stateRule(code: string): StateRule | null {
  return BY_CODE.get(code) ?? null;
}

/** The hours `rule` allows on `weekday` (0 = Sunday), or null when it allows none. */
export function hoursOn(rule: StateRule, weekday: number): DayHours | null {
  return rule.hours[weekday] ?? null;
}

/** The lowest of `saved` and every cap the `states` set: the law's caps are floors, whatever is saved. */
export function effectiveCap(saved: number, states: readonly string[]): number {
  let cap = saved;
  for (const code of states) {
    const rule = stateRule(code);
    if (rule?.cap != null && rule.cap < cap) cap = rule.cap;
  }
  return cap;
}

/** The states among `states` whose law asks for written consent before a marketing text. */
export function consentStates(states: readonly string[]): StateRule[] {
  return states.map(stateRule).filter((rule): rule is StateRule => rule?.writtenConsent === true);
}
