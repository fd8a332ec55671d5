import { describe, expect, it } from 'vitest';
import { isStateCode } from '../../src/core/area-codes.js';
import { consentStates, effectiveCap, FEDERAL_RULE, STATE_RULES, stateRule } from '../../src/core/state-rules.js';

// compliance.md's table, written out by hand: [Sun, Mon..Fri, Sat] hours, cap, written consent.
type Hours = string | null;
const EXPECTED: Record<string, { sun: Hours; weekdays: Hours; sat: Hours; cap: number | null; consent: boolean }> = {
  FL: { sun: '08:00-20:00', weekdays: '08:00-20:00', sat: '08:00-20:00', cap: 3, consent: true },
  OK: { sun: '08:00-20:00', weekdays: '08:00-20:00', sat: '08:00-20:00', cap: 3, consent: true },
  MD: { sun: '08:00-20:00', weekdays: '08:00-20:00', sat: '08:00-20:00', cap: 3, consent: true },
  TX: { sun: '12:00-21:00', weekdays: '09:00-21:00', sat: '09:00-21:00', cap: null, consent: false },
  CT: { sun: '09:00-20:00', weekdays: '09:00-20:00', sat: '09:00-20:00', cap: null, consent: false },
  WA: { sun: '08:00-20:00', weekdays: '08:00-20:00', sat: '08:00-20:00', cap: null, consent: false },
  AL: { sun: null, weekdays: '08:00-21:00', sat: '08:00-21:00', cap: null, consent: false },
  LA: { sun: null, weekdays: '08:00-21:00', sat: '08:00-21:00', cap: null, consent: false },
  MS: { sun: null, weekdays: '08:00-21:00', sat: '08:00-21:00', cap: null, consent: false },
  RI: { sun: null, weekdays: '09:00-18:00', sat: '10:00-17:00', cap: null, consent: false },
  MA: { sun: '08:00-20:00', weekdays: '08:00-20:00', sat: '08:00-20:00', cap: null, consent: false },
};

const clock = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const text = (h: { start: number; end: number } | null | undefined) => (h ? `${clock(h.start)}-${clock(h.end)}` : null);

describe('state rules data', () => {
  it('has exactly the states of compliance.md, once each', () => {
    expect(STATE_RULES.map((r) => r.code).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.entries(EXPECTED))('%s matches compliance.md row by row', (code, want) => {
    const rule = stateRule(code)!;
    expect(isStateCode(code)).toBe(true);
    expect(rule.hours).toHaveLength(7);
    expect(text(rule.hours[0])).toBe(want.sun);
    for (const day of [1, 2, 3, 4, 5]) expect(text(rule.hours[day])).toBe(want.weekdays);
    expect(text(rule.hours[6])).toBe(want.sat);
    expect(rule.cap).toBe(want.cap);
    expect(rule.writtenConsent).toBe(want.consent);
    expect(rule.source).not.toBe('');
    expect(rule.secondary).toBe(['AL', 'LA', 'MS', 'RI', 'MA'].includes(code));
  });

  it('keeps every state inside the federal 08:00-21:00', () => {
    expect(FEDERAL_RULE.hours.map(text)).toEqual(Array(7).fill('08:00-21:00'));
    for (const rule of STATE_RULES) {
      for (const hours of rule.hours)
        if (hours) expect(hours.start >= 480 && hours.end <= 1260 && hours.start < hours.end).toBe(true);
    }
  });

  it('caps FL, OK and MD at 3 whatever is saved, and leaves the others to the setting', () => {
    expect(effectiveCap(10, ['FL'])).toBe(3);
    expect(effectiveCap(10, ['GA', 'OK'])).toBe(3);
    expect(effectiveCap(2, ['MD'])).toBe(2);
    expect(effectiveCap(10, ['TX', 'CA'])).toBe(10);
    expect(effectiveCap(5, [])).toBe(5);
  });

  it('asks for written consent in FL, OK and MD only', () => {
    expect(consentStates(['GA', 'FL', 'TX', 'OK', 'MD']).map((r) => r.code)).toEqual(['FL', 'OK', 'MD']);
    expect(consentStates(['CA', 'TX'])).toEqual([]);
  });
});
