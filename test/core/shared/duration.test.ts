import { describe, expect, it } from 'vitest';
import {
  formatDurationWords,
  formatIsoDuration,
  isDuration,
  parseDuration,
  shortDuration,
} from '../../../src/core/shared/duration.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('parseDuration', () => {
  it.each([
    ['PT2M', 2 * MINUTE],
    ['PT15M', 15 * MINUTE],
    ['PT24H', DAY],
    ['P1D', DAY],
    ['PT0S', 0],
    ['PT0M', 0],
    ['PT1H30M', 90 * MINUTE],
    ['P1DT2H', DAY + 2 * HOUR],
    ['PT45S', 45_000],
    ['P2DT3H4M5S', 2 * DAY + 3 * HOUR + 4 * MINUTE + 5000],
    ['PT90M', 90 * MINUTE],
    ['P1W', 7 * DAY],
  ])('reads %s as %i ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
    expect(isDuration(text)).toBe(true);
  });

  it.each([
    '',
    'P',
    'PT',
    'P1DT',
    'T2M',
    '2M',
    'PT2m',
    'pt2m',
    'PT-2M',
    'PT1.5H',
    'PT2M ',
    ' PT2M',
    'P1M',
    'P1Y',
    'P1W2D',
    'PT2H1D',
    'PT1M2H',
    'PT2MPT2M',
    'P1DT2H3D',
    '120',
    'PT99999999999999999999H',
  ])('rejects %j', (text) => {
    expect(parseDuration(text)).toBeNull();
    expect(isDuration(text)).toBe(false);
  });
});

describe('formatDurationWords', () => {
  it.each([
    [2 * MINUTE, '2 minutes'],
    [MINUTE, '1 minute'],
    [DAY + 2 * HOUR, '1 day 2 hours'],
    [2 * DAY + HOUR + MINUTE + 1000, '2 days 1 hour 1 minute 1 second'],
    [0, '0 seconds'],
    [999, '0 seconds'],
    [90 * MINUTE, '1 hour 30 minutes'],
    [24 * HOUR, '1 day'],
    [-5000, '0 seconds'],
  ])('formats %i ms as %j', (ms, words) => {
    expect(formatDurationWords(ms)).toBe(words);
  });
});

describe('formatIsoDuration', () => {
  it.each([
    [0, 'PT0S'],
    [2 * MINUTE, 'PT2M'],
    [90 * MINUTE, 'PT1H30M'],
    [DAY, 'P1D'],
    [DAY + 2 * HOUR, 'P1DT2H'],
    [45_000, 'PT45S'],
  ])('writes %i ms as %s, which parses back', (ms, text) => {
    expect(formatIsoDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });
});

describe('shortDuration', () => {
  it.each([
    [95, '1 min 35 s'],
    [0, '0 s'],
    [-5, '0 s'],
    [59.6, '60 s'],
    [120, '2 min'],
    [3_600, '1 h'],
    [5_430, '1 h 31 min'],
  ])('says %d seconds as %j', (seconds, words) => {
    expect(shortDuration(seconds)).toBe(words);
  });

  it('says nothing for a missing measure, or what the caller shows instead', () => {
    expect(shortDuration(null)).toBe('');
    expect(shortDuration(undefined, '–')).toBe('–');
  });
});
