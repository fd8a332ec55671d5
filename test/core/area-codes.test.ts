import { describe, expect, it } from 'vitest';
import {
  AREA_CODE_ZONES,
  areaCodeState,
  areaCodeZone,
  areaCodeZones,
  stateZones,
  normalizePhone,
  phoneAreaCode,
  US_STATES,
} from '../../src/core/area-codes.js';

describe('areaCodeState', () => {
  it.each([
    // Florida, including the panhandle and the newest overlays.
    [305, 'FL'],
    [786, 'FL'],
    [954, 'FL'],
    [850, 'FL'],
    [448, 'FL'],
    [689, 'FL'],
    [656, 'FL'],
    [324, 'FL'],
    [645, 'FL'],
    [728, 'FL'],
    // Oklahoma, Maryland: the other 08:00-20:00 states.
    [405, 'OK'],
    [572, 'OK'],
    [918, 'OK'],
    [539, 'OK'],
    [580, 'OK'],
    [410, 'MD'],
    [443, 'MD'],
    [667, 'MD'],
    [301, 'MD'],
    [240, 'MD'],
    [227, 'MD'],
    // Texas.
    [214, 'TX'],
    [945, 'TX'],
    [512, 'TX'],
    [915, 'TX'],
    [726, 'TX'],
    [346, 'TX'],
    // New York, California, Illinois.
    [212, 'NY'],
    [929, 'NY'],
    [363, 'NY'],
    [716, 'NY'],
    [213, 'CA'],
    [415, 'CA'],
    [350, 'CA'],
    [840, 'CA'],
    [312, 'IL'],
    [872, 'IL'],
    [447, 'IL'],
    [464, 'IL'],
    [861, 'IL'],
    // Others and DC.
    [202, 'DC'],
    [771, 'DC'],
    [404, 'GA'],
    [943, 'GA'],
    [215, 'PA'],
    [835, 'PA'],
    [313, 'MI'],
    [679, 'MI'],
    [704, 'NC'],
    [472, 'NC'],
    [614, 'OH'],
    [283, 'OH'],
    [201, 'NJ'],
    [640, 'NJ'],
    [206, 'WA'],
    [602, 'AZ'],
    [617, 'MA'],
    [615, 'TN'],
    [317, 'IN'],
    [314, 'MO'],
    [557, 'MO'],
    [410, 'MD'],
    [303, 'CO'],
    [612, 'MN'],
    [864, 'SC'],
    [205, 'AL'],
    [504, 'LA'],
    [502, 'KY'],
    [503, 'OR'],
    [801, 'UT'],
    [702, 'NV'],
    [808, 'HI'],
    [907, 'AK'],
    [787, 'PR'],
  ] as const)('maps %i to %s', (code, state) => {
    expect(areaCodeState(code)).toBe(state);
  });

  it.each([416, 604, 514, 555, 800, 888, 911, 100, 242, 876])(
    'returns null for non-US or unassigned code %i',
    (code) => {
      expect(areaCodeState(code)).toBeNull();
    },
  );

  it('assigns each area code to one state only', () => {
    const seen = new Map<number, string>();
    for (const [state, info] of Object.entries(US_STATES)) {
      for (const code of info.areaCodes) {
        expect(seen.get(code), `area code ${code}`).toBeUndefined();
        seen.set(code, state);
        expect(code).toBeGreaterThanOrEqual(200);
        expect(code).toBeLessThan(1000);
      }
    }
    expect(seen.size).toBeGreaterThan(330);
  });

  it('covers all 50 states and DC with a zone Intl knows', () => {
    const states = Object.keys(US_STATES);
    expect(states.filter((code) => !['PR', 'VI', 'GU', 'MP', 'AS'].includes(code))).toHaveLength(51);
    for (const info of Object.values(US_STATES)) {
      expect(() => new Intl.DateTimeFormat('en-US', { timeZone: info.timeZone })).not.toThrow();
      expect(info.areaCodes.length).toBeGreaterThan(0);
    }
    for (const zone of Object.values(AREA_CODE_ZONES).flat()) {
      expect(() => new Intl.DateTimeFormat('en-US', { timeZone: zone })).not.toThrow();
    }
  });
});

describe('areaCodeZone', () => {
  it('uses the state main zone, or the area code own zone where it differs', () => {
    expect(areaCodeZone(305)).toBe('America/New_York');
    expect(areaCodeZone(214)).toBe('America/Chicago');
    expect(areaCodeZone(915)).toBe('America/Denver');
    expect(areaCodeZone(270)).toBe('America/Chicago');
    expect(areaCodeZone(865)).toBe('America/New_York');
    expect(areaCodeZone(219)).toBe('America/Chicago');
    expect(areaCodeZone(602)).toBe('America/Phoenix');
    expect(areaCodeZone(416)).toBeNull();
  });
});

describe('areaCodeZones and stateZones', () => {
  it('gives a split area code both of its zones, main first', () => {
    expect(areaCodeZones(850)).toEqual(['America/New_York', 'America/Chicago']);
    expect(areaCodeZones(906)).toEqual(['America/Detroit', 'America/Menominee']);
    expect(areaCodeZones(305)).toEqual(['America/New_York']);
    expect(areaCodeZones(416)).toEqual([]);
  });

  it('gives every split code a state it belongs to', () => {
    for (const code of Object.keys(AREA_CODE_ZONES).map(Number)) expect(areaCodeState(code)).not.toBeNull();
  });

  it('gives a state every zone its area codes cover', () => {
    expect(stateZones('FL')).toEqual(['America/New_York', 'America/Chicago']);
    expect(stateZones('TX')).toEqual(['America/Chicago', 'America/Denver']);
    expect(stateZones('GA')).toEqual(['America/New_York']);
  });
});

describe('normalizePhone', () => {
  it.each([
    ['+15550001111', '+15550001111'],
    ['+1 (305) 555-0123', '+13055550123'],
    ['(305) 555-0123', '+13055550123'],
    ['305.555.0123', '+13055550123'],
    ['1-305-555-0123', '+13055550123'],
    ['+442071234567', '+442071234567'],
  ])('writes %j as %j', (raw, e164) => {
    expect(normalizePhone(raw)).toBe(e164);
  });

  it.each(['', 'abc', '555-0123', '+0123456789', '+1', '305 555 0123 ext 4', '+1234567890123456'])(
    'refuses %j',
    (raw) => {
      expect(normalizePhone(raw)).toBeNull();
    },
  );
});

describe('phoneAreaCode', () => {
  it('reads the area code of North American numbers only', () => {
    expect(phoneAreaCode('+13055550123')).toBe(305);
    expect(phoneAreaCode('(214) 555-0100')).toBe(214);
    expect(phoneAreaCode('+442071234567')).toBeNull();
    expect(phoneAreaCode('+11235550100')).toBeNull(); // area codes never start with 0 or 1
    expect(phoneAreaCode('not a phone')).toBeNull();
  });
});
