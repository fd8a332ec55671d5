import { describe, expect, it } from 'vitest';
import { effectiveWindow, isInSendWindow, nextOpenTime } from '../../src/core/send-window.js';
import { parseClock } from '../../src/core/shared/clock-text.js';

const DEFAULT = { start: '08:00', end: '21:00' };
const NY = 'America/New_York';
const CHI = 'America/Chicago';
const at = (iso: string) => new Date(iso);
const hm = (h: number, m = 0) => h * 60 + m;

describe('parseClock', () => {
  it('reads HH:MM and 24:00', () => {
    expect(parseClock('00:00')).toBe(0);
    expect(parseClock('08:30')).toBe(510);
    expect(parseClock('23:59')).toBe(1439);
    expect(parseClock('24:00')).toBe(1440);
  });

  it.each(['8:00', '24:01', '25:00', '12:60', '', '0800', '12:00:00'])('refuses %j', (text) => {
    expect(parseClock(text)).toBeNull();
  });
});

describe('effectiveWindow', () => {
  it("keeps the owner's window where no state rule applies", () => {
    expect(effectiveWindow(DEFAULT, 'NY', '2026-01-05')).toEqual({ start: hm(8), end: hm(21) });
    expect(effectiveWindow(DEFAULT, null, '2026-01-05')).toEqual({ start: hm(8), end: hm(21) });
    expect(effectiveWindow({ start: '09:30', end: '17:00' }, 'CA', '2026-01-05')).toEqual({
      start: hm(9, 30),
      end: hm(17),
    });
  });

  it('narrows a wider stored window to the federal 08:00-21:00', () => {
    expect(effectiveWindow({ start: '07:00', end: '24:00' }, 'CA', '2026-01-05')).toEqual({
      start: hm(8),
      end: hm(21),
    });
  });

  it.each(['FL', 'OK', 'MD'])('ends at 20:00 in %s', (state) => {
    expect(effectiveWindow(DEFAULT, state, '2026-01-05')).toEqual({ start: hm(8), end: hm(20) });
    expect(effectiveWindow({ start: '07:00', end: '22:00' }, state, '2026-01-05')).toEqual({
      start: hm(8),
      end: hm(20),
    });
  });

  it('only narrows: a tighter owner window stays as it is', () => {
    expect(effectiveWindow({ start: '10:00', end: '18:00' }, 'FL', '2026-01-05')).toEqual({
      start: hm(10),
      end: hm(18),
    });
    expect(effectiveWindow({ start: '10:00', end: '18:00' }, 'TX', '2026-01-05')).toEqual({
      start: hm(10),
      end: hm(18),
    });
  });

  it('applies Texas 09:00-21:00 Monday to Saturday and 12:00-21:00 on Sunday', () => {
    expect(effectiveWindow(DEFAULT, 'TX', '2026-01-05')).toEqual({ start: hm(9), end: hm(21) }); // Monday
    expect(effectiveWindow(DEFAULT, 'TX', '2026-01-10')).toEqual({ start: hm(9), end: hm(21) }); // Saturday
    expect(effectiveWindow(DEFAULT, 'TX', '2026-01-11')).toEqual({ start: hm(12), end: hm(21) }); // Sunday
    expect(effectiveWindow({ start: '06:00', end: '24:00' }, 'TX', '2026-01-11')).toEqual({
      start: hm(12),
      end: hm(21),
    });
  });

  it('returns null when the state rules leave nothing of the window that day', () => {
    expect(effectiveWindow({ start: '20:00', end: '21:00' }, 'FL', '2026-01-05')).toBeNull();
    expect(effectiveWindow({ start: '08:00', end: '11:00' }, 'TX', '2026-01-11')).toBeNull();
    expect(effectiveWindow({ start: '08:00', end: '11:00' }, 'TX', '2026-01-12')).toEqual({
      start: hm(9),
      end: hm(11),
    });
  });
});

describe('isInSendWindow', () => {
  it('includes the start minute and excludes the end minute (local time)', () => {
    // January: New York is UTC-5.
    expect(isInSendWindow(at('2026-01-05T12:59:59Z'), NY, DEFAULT, null)).toBe(false);
    expect(isInSendWindow(at('2026-01-05T13:00:00Z'), NY, DEFAULT, null)).toBe(true);
    expect(isInSendWindow(at('2026-01-06T01:59:59Z'), NY, DEFAULT, null)).toBe(true);
    expect(isInSendWindow(at('2026-01-06T02:00:00Z'), NY, DEFAULT, null)).toBe(false);
  });

  it('uses the recipient zone, not UTC', () => {
    // 14:00Z is 09:00 in New York but 06:00 in Los Angeles.
    expect(isInSendWindow(at('2026-01-05T14:00:00Z'), NY, DEFAULT, null)).toBe(true);
    expect(isInSendWindow(at('2026-01-05T14:00:00Z'), 'America/Los_Angeles', DEFAULT, null)).toBe(false);
  });

  it('closes Florida at 20:00', () => {
    expect(isInSendWindow(at('2026-01-06T00:59:00Z'), NY, DEFAULT, 'FL')).toBe(true); // 19:59
    expect(isInSendWindow(at('2026-01-06T01:00:00Z'), NY, DEFAULT, 'FL')).toBe(false); // 20:00
    expect(isInSendWindow(at('2026-01-06T01:00:00Z'), NY, DEFAULT, 'GA')).toBe(true);
  });

  it('closes at 21:00 whatever the owner saved: the federal floor (a stored 24:00 predates the check)', () => {
    const late = { start: '08:00', end: '24:00' };
    expect(isInSendWindow(at('2026-01-06T01:59:00Z'), NY, late, null)).toBe(true); // 20:59
    expect(isInSendWindow(at('2026-01-06T02:00:00Z'), NY, late, null)).toBe(false); // 21:00
  });
});

describe('nextOpenTime', () => {
  it('returns now itself inside the window', () => {
    const now = at('2026-01-05T15:00:30Z');
    expect(nextOpenTime(now, NY, DEFAULT, null)).toEqual(now);
  });

  it('moves a call at 23:00 local to 08:00 local the next day', () => {
    // 2026-01-05 23:00 EST = 2026-01-06T04:00Z; next open 2026-01-06 08:00 EST = 13:00Z.
    expect(nextOpenTime(at('2026-01-06T04:00:00Z'), NY, DEFAULT, null)?.toISOString()).toBe('2026-01-06T13:00:00.000Z');
  });

  it('moves an early-morning time to 08:00 the same day, on the minute', () => {
    expect(nextOpenTime(at('2026-01-05T11:30:00Z'), NY, DEFAULT, null)?.toISOString()).toBe('2026-01-05T13:00:00.000Z');
    expect(nextOpenTime(at('2026-01-05T12:59:30Z'), NY, DEFAULT, null)?.toISOString()).toBe('2026-01-05T13:00:00.000Z');
  });

  it('moves Florida at 20:30 to 08:00 the next day', () => {
    // 2026-01-05 20:30 EST = 2026-01-06T01:30Z.
    expect(nextOpenTime(at('2026-01-06T01:30:00Z'), NY, DEFAULT, 'FL')?.toISOString()).toBe('2026-01-06T13:00:00.000Z');
    // The same time in Georgia is still open.
    expect(nextOpenTime(at('2026-01-06T01:30:00Z'), NY, DEFAULT, 'GA')?.toISOString()).toBe('2026-01-06T01:30:00.000Z');
  });

  it('moves Texas on Saturday night to Sunday noon, and Sunday morning to noon', () => {
    // Saturday 2026-01-10 21:30 CST = 2026-01-11T03:30Z -> Sunday 12:00 CST = 18:00Z.
    expect(nextOpenTime(at('2026-01-11T03:30:00Z'), CHI, DEFAULT, 'TX')?.toISOString()).toBe(
      '2026-01-11T18:00:00.000Z',
    );
    // Sunday 10:00 CST = 16:00Z.
    expect(nextOpenTime(at('2026-01-11T16:00:00Z'), CHI, DEFAULT, 'TX')?.toISOString()).toBe(
      '2026-01-11T18:00:00.000Z',
    );
    // Monday 08:30 CST = 14:30Z -> 09:00 CST = 15:00Z.
    expect(nextOpenTime(at('2026-01-12T14:30:00Z'), CHI, DEFAULT, 'TX')?.toISOString()).toBe(
      '2026-01-12T15:00:00.000Z',
    );
  });

  it('honours the spring-forward night: 08:00 EDT the next morning is 12:00Z', () => {
    // Saturday 2026-03-07 23:00 EST = 2026-03-08T04:00Z; Sunday 08:00 is already EDT (UTC-4).
    expect(nextOpenTime(at('2026-03-08T04:00:00Z'), NY, DEFAULT, null)?.toISOString()).toBe('2026-03-08T12:00:00.000Z');
  });

  it('honours the fall-back night: 08:00 EST the next morning is 13:00Z', () => {
    // Saturday 2026-10-31 23:00 EDT = 2026-11-01T03:00Z; Sunday 08:00 is EST (UTC-5).
    expect(nextOpenTime(at('2026-11-01T03:00:00Z'), NY, DEFAULT, null)?.toISOString()).toBe('2026-11-01T13:00:00.000Z');
  });

  it('opens at 08:00 EDT on the spring-forward Sunday, an hour less after midnight', () => {
    // 01:00 EST = 06:00Z; the clocks jump at 02:00, so 08:00 EDT is 12:00Z.
    expect(nextOpenTime(at('2026-03-08T06:00:00Z'), NY, DEFAULT, null)?.toISOString()).toBe('2026-03-08T12:00:00.000Z');
  });

  it('skips a day the state rules shut entirely', () => {
    const morning = { start: '08:00', end: '11:00' };
    // Saturday 2026-01-10 12:00 CST: Sunday's Texas window (12:00-11:00) is empty, so Monday 09:00 CST.
    expect(nextOpenTime(at('2026-01-10T18:00:00Z'), CHI, morning, 'TX')?.toISOString()).toBe(
      '2026-01-12T15:00:00.000Z',
    );
  });

  it('returns null when the window never opens', () => {
    expect(nextOpenTime(at('2026-01-05T15:00:00Z'), NY, { start: '20:00', end: '21:00' }, 'FL')).toBeNull();
  });

  it('never opens before 08:00 even for a stored 00:00-24:00 window', () => {
    const always = { start: '00:00', end: '24:00' };
    const now = at('2026-01-05T05:00:00Z'); // 00:00 in New York
    expect(nextOpenTime(now, NY, always, null)?.toISOString()).toBe('2026-01-05T13:00:00.000Z');
  });
});
