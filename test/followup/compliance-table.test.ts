/**
 * The compliance suite: cases generated from the rules data (state-rules.ts, area-codes.ts), each checked
 * against decideStep. The expected answer comes from an oracle written apart from the engine: fixed January
 * UTC offsets instead of Intl, and a day-by-day walk over the rule rows instead of nextOpen.
 */
import { describe, expect, it } from 'vitest';
import { AREA_CODE_ZONES, areaCodeZones, type StateCode, US_STATES } from '../../src/core/area-codes.js';
import { decideStep, type StepDecision } from '../../src/core/decide.js';
import { FEDERAL_RULE, type StateRule, STATE_RULES, stateRule } from '../../src/core/state-rules.js';
import { recipientCandidates } from '../../src/core/timezone.js';
import { defaultSettings, type SequenceStep } from '../../src/core/settings/schema.js';

const settings = defaultSettings({ bookingLink: 'https://example.com/book' });
const sms = settings.sequence[0] as SequenceStep;
const MIN = 60_000;
const DAY = 86_400_000;
// Standard time offsets (hours) of every zone the data uses; January has no daylight saving time.
const JANUARY_OFFSET: Record<string, number> = {
  'America/New_York': -5,
  'America/Detroit': -5,
  'America/Indiana/Indianapolis': -5,
  'America/Chicago': -6,
  'America/Menominee': -6,
  'America/Denver': -7,
  'America/Boise': -7,
  'America/Phoenix': -7,
  'America/Los_Angeles': -8,
  'America/Anchorage': -9,
  'America/Adak': -10,
  'Pacific/Honolulu': -10,
};
// Sunday 2026-01-04 .. Saturday 2026-01-10.
const WEEK = ['2026-01-04', '2026-01-05', '2026-01-06', '2026-01-07', '2026-01-08', '2026-01-09', '2026-01-10'];
const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const TIMES = [
  '00:00',
  '07:59',
  '08:00',
  '08:59',
  '09:00',
  '09:59',
  '10:00',
  '11:59',
  '12:00',
  '16:59',
  '17:00',
  '17:59',
  '18:00',
  '19:59',
  '20:00',
  '20:59',
  '21:00',
  '23:59',
];

/** The hours of the day that every rule in `rules` and the default owner window (08:00-21:00) allow. */
function dayHours(rules: readonly StateRule[], weekday: number): { start: number; end: number } | null {
  let start = 8 * 60;
  let end = 21 * 60;
  for (const rule of [FEDERAL_RULE, ...rules]) {
    const hours = rule.hours[weekday];
    if (!hours) return null;
    start = Math.max(start, hours.start);
    end = Math.min(end, hours.end);
  }
  return start < end ? { start, end } : null;
}

/** The first instant at or after `now` open in `zone` (January offsets), walking day by day. */
function openInZone(now: number, zone: string, rules: readonly StateRule[]): number | null {
  const offset = (JANUARY_OFFSET[zone] ?? Number.NaN) * 3_600_000;
  const local = now + offset;
  const midnight = Math.floor(local / DAY) * DAY;
  const minute = Math.floor((local - midnight) / MIN);
  for (let d = 0; d < 9; d += 1) {
    const day = midnight + d * DAY;
    const hours = dayHours(rules, new Date(day).getUTCDay());
    if (!hours) continue;
    if (d === 0 && minute >= hours.start && minute < hours.end) return now;
    const opens = day + hours.start * MIN;
    if (opens > local) return opens - offset;
  }
  return null;
}

/** The first instant open in every zone: move to the latest zone's opening until all agree. */
function expectedOpen(now: number, zones: readonly string[], rules: readonly StateRule[]): number | null {
  let at = now;
  for (let round = 0; round < 20; round += 1) {
    const opens = zones.map((zone) => openInZone(at, zone, rules));
    if (opens.some((o) => o === null)) return null;
    const latest = Math.max(...(opens as number[]));
    if (latest === at) return at;
    at = latest;
  }
  throw new Error('oracle did not converge');
}

interface Case {
  name: string;
  contact: { state?: string; phone?: string; timezone?: string };
  now: number;
  expected: 'send' | number;
}

function decide(c: Case): StepDecision {
  const now = new Date(c.now);
  const recipient = recipientCandidates({ contact: c.contact, locationTimezone: 'America/New_York' });
  return decideStep({
    step: sms,
    settings,
    run: { startedAt: new Date(c.now - 2 * MIN) },
    contact: { dnd: false, optedOutSms: false, notTextable: false },
    history: {},
    touchesLast24h: [],
    now,
    timeZone: recipient.zones[0]!.timeZone,
    state: recipient.states[0]?.state ?? null,
    recipient,
  });
}

function check(c: Case): void {
  const decision = decide(c);
  if (c.expected === 'send') expect(decision).toEqual({ type: 'send' });
  else expect(decision).toMatchObject({ type: 'defer', reason: 'outside-send-window', until: new Date(c.expected) });
}

function caseAt(
  name: string,
  contact: Case['contact'],
  zones: readonly string[],
  rules: StateRule[],
  date: string,
  clock: string,
  zone: string,
): Case {
  const now = Date.parse(`${date}T${clock}:00Z`) - (JANUARY_OFFSET[zone] ?? 0) * 3_600_000;
  const open = expectedOpen(now, zones, rules);
  if (open === null) throw new Error(`no open time for ${name}`);
  return { name, contact, now, expected: open === now ? 'send' : open };
}

const rulesOf = (codes: readonly string[]) => codes.map(stateRule).filter((r): r is StateRule => r !== null);
const label = (c: Case) =>
  `${c.name} → ${c.expected === 'send' ? 'send' : `defer to ${new Date(c.expected).toISOString()}`}`;

// Every state row, with a number of each distinct set of zones its area codes cover (850 spans two, 915 is Mountain).
function stateCases(): Case[] {
  const cases: Case[] = [];
  for (const rule of STATE_RULES) {
    const state = rule.code as StateCode;
    const seen = new Set<string>();
    for (const areaCode of US_STATES[state].areaCodes) {
      const zones = areaCodeZones(areaCode);
      if (seen.has(zones.join())) continue;
      seen.add(zones.join());
      const contact = { state, phone: `+1${areaCode}5550100` };
      WEEK.forEach((date, weekday) => {
        for (const clock of TIMES) {
          const name = `${state} ${areaCode} ${DAY_NAMES[weekday]} ${clock} (${zones[0]})`;
          cases.push(caseAt(name, contact, zones, [rule], date, clock, zones[0]!));
        }
      });
    }
  }
  return cases;
}

// The federal floor alone, in each of the main US zones.
function federalCases(): Case[] {
  const numbers: [string, string][] = [
    ['212', 'America/New_York'],
    ['312', 'America/Chicago'],
    ['303', 'America/Denver'],
    ['602', 'America/Phoenix'],
    ['213', 'America/Los_Angeles'],
    ['907', 'America/Anchorage'],
    ['808', 'Pacific/Honolulu'],
  ];
  const cases: Case[] = [];
  for (const [areaCode, zone] of numbers) {
    const zones = areaCodeZones(Number(areaCode));
    WEEK.forEach((date, weekday) => {
      for (const clock of TIMES) {
        cases.push(
          caseAt(
            `US ${areaCode} ${DAY_NAMES[weekday]} ${clock} (${zone})`,
            { phone: `+1${areaCode}5550100` },
            zones,
            [],
            date,
            clock,
            zone,
          ),
        );
      }
    });
  }
  return cases;
}

// Every split area code, no state on the contact: the text waits for the later zone's morning.
function splitCases(): Case[] {
  const cases: Case[] = [];
  for (const [code, zones] of Object.entries(AREA_CODE_ZONES)) {
    if (zones.length < 2) continue;
    const state = Object.entries(US_STATES).find(([, info]) =>
      (info.areaCodes as readonly number[]).includes(Number(code)),
    )![0];
    for (const [date, clock] of [
      ['2026-01-05', '08:00'],
      ['2026-01-05', '08:30'],
      ['2026-01-05', '20:30'],
      ['2026-01-06', '12:00'],
    ] as const) {
      cases.push(
        caseAt(
          `split ${code} (${zones.join(' + ')}) Mon ${clock} in ${zones[0]}`,
          { phone: `+1${code}5550100` },
          zones,
          rulesOf([state]),
          date,
          clock,
          zones[0]!,
        ),
      );
    }
  }
  return cases;
}

// Ported or moved numbers: the area code's state and the contact's state both apply, in all of their zones.
function portedCases(): Case[] {
  const cases: Case[] = [];
  const homes: StateCode[] = ['GA', 'CA', 'NY', 'IL'];
  for (const rule of STATE_RULES) {
    const areaCode = US_STATES[rule.code as StateCode].areaCodes[0]!;
    for (const home of homes) {
      const recipient = recipientCandidates({ contact: { state: home, phone: `+1${areaCode}5550100` } });
      const zones = recipient.zones.map((z) => z.timeZone);
      const rules = rulesOf([home, rule.code]);
      for (const [weekday, clock] of [
        [0, '10:00'],
        [1, '08:30'],
        [1, '20:30'],
        [6, '17:30'],
      ] as const) {
        const name = `ported ${areaCode} (${rule.code}) to ${home} ${DAY_NAMES[weekday]} ${clock}`;
        cases.push(
          caseAt(name, { state: home, phone: `+1${areaCode}5550100` }, zones, rules, WEEK[weekday]!, clock, zones[0]!),
        );
      }
    }
  }
  return cases;
}

const stateTable = stateCases();
const federalTable = federalCases();
const splitTable = splitCases();
const portedTable = portedCases();

describe('compliance table', () => {
  it('has well over 300 cases, and both answers in each part', () => {
    const all = [...stateTable, ...federalTable, ...splitTable, ...portedTable];
    expect(all.length).toBeGreaterThan(300);
    for (const table of [stateTable, federalTable, splitTable, portedTable]) {
      expect(table.some((c) => c.expected === 'send')).toBe(true);
      expect(table.some((c) => c.expected !== 'send')).toBe(true);
    }
  });

  describe('state rows × area-code zones × weekdays × times', () => {
    it.each(stateTable.map((c) => [label(c), c] as const))('%s', (_name, c) => check(c));
  });
  describe('federal floor in every main zone', () => {
    it.each(federalTable.map((c) => [label(c), c] as const))('%s', (_name, c) => check(c));
  });
  describe('split area codes', () => {
    it.each(splitTable.map((c) => [label(c), c] as const))('%s', (_name, c) => check(c));
  });
  describe('ported numbers', () => {
    it.each(portedTable.map((c) => [label(c), c] as const))('%s', (_name, c) => check(c));
  });
});
