import { describe, expect, it } from 'vitest';
import { formatClock, formatClockWords, parseClock } from '../../../src/core/shared/clock-text.js';
import { beyondFederalHours, FEDERAL_TEXT } from '../../../src/core/shared/federal-hours.js';

describe('the federal hours', () => {
  it('are 08:00 to 21:00, said as 8:00 AM and 9:00 PM', () => {
    expect(FEDERAL_TEXT).toEqual({ start: '08:00', end: '21:00', startWords: '8:00 AM', endWords: '9:00 PM' });
  });

  it.each([
    ['07:59', '21:00', { opensEarly: true, closesLate: false }],
    ['08:00', '21:00', { opensEarly: false, closesLate: false }],
    ['08:00', '21:01', { opensEarly: false, closesLate: true }],
    ['00:00', '24:00', { opensEarly: true, closesLate: true }],
    ['8am', 'late', { opensEarly: false, closesLate: false }],
  ])('a window %s-%s is beyond them: %o', (start, end, beyond) => {
    expect(beyondFederalHours(parseClock(start), parseClock(end))).toEqual(beyond);
  });
});

describe('formatClock and formatClockWords', () => {
  it.each([
    [0, '00:00', '12:00 AM'],
    [5, '00:05', '12:05 AM'],
    [720, '12:00', '12:00 PM'],
    [1259, '20:59', '8:59 PM'],
    [1440, '24:00', '12:00 AM'],
  ])('write %i minutes as %s and %s, the first read back by parseClock', (minutes, clock, words) => {
    expect(formatClock(minutes)).toBe(clock);
    expect(formatClockWords(minutes)).toBe(words);
    expect(parseClock(clock)).toBe(minutes);
  });
});
