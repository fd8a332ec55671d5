import { describe, expect, it } from 'vitest';
import {
  addDays,
  FALLBACK_TIMEZONE,
  isValidTimeZone,
  localParts,
  localToInstant,
  recipientState,
  recipientTimezone,
  resolveRecipientTimezone,
} from '../../src/core/timezone.js';

describe('isValidTimeZone', () => {
  it.each(['America/New_York', 'America/Chicago', 'Europe/London', 'UTC', 'America/Indiana/Indianapolis', 'Etc/GMT+5'])(
    'accepts %s',
    (zone) => {
      expect(isValidTimeZone(zone)).toBe(true);
    },
  );

  it.each([
    '',
    'Mars/Olympus',
    'America/Nowhere',
    '+05:00',
    'EST 5',
    'America/New York',
    '../etc/passwd',
    'constructor',
  ])('refuses %j', (zone) => {
    expect(isValidTimeZone(zone)).toBe(false);
  });
});

describe('localParts', () => {
  it('gives the local date, minute and weekday', () => {
    // 2026-01-05 is a Monday; 15:00Z is 10:00 in New York (EST).
    expect(localParts(new Date('2026-01-05T15:00:00Z'), 'America/New_York')).toEqual({
      date: '2026-01-05',
      minute: 600,
      weekday: 1,
    });
    // 03:30Z on Monday is still Sunday evening in Los Angeles.
    expect(localParts(new Date('2026-01-05T03:30:00Z'), 'America/Los_Angeles')).toEqual({
      date: '2026-01-04',
      minute: 19 * 60 + 30,
      weekday: 0,
    });
  });

  it('reads each minute across a clock change the same when asked again (readings are kept by minute)', () => {
    // 2026-03-08 06:00-08:00Z: New York springs from 01:59 EST to 03:00 EDT at 07:00Z; seconds within a minute too.
    const start = Date.UTC(2026, 2, 8, 6, 0);
    const read = () =>
      Array.from({ length: 240 }, (_, i) =>
        localParts(new Date(start + i * 30_000 + (i % 7) * 1_000), 'America/New_York'),
      );
    const first = read();
    expect(first[0]).toMatchObject({ date: '2026-03-08', minute: 60 });
    expect(first[119]).toMatchObject({ minute: 60 + 59 });
    expect(first[120]).toMatchObject({ minute: 180 });
    expect(read()).toEqual(first);
  });

  it('reads midnight as minute 0, never 24:00', () => {
    expect(localParts(new Date('2026-01-05T05:00:00Z'), 'America/New_York').minute).toBe(0);
  });
});

describe('addDays', () => {
  it('crosses month and year ends', () => {
    expect(addDays('2026-01-31', 1)).toBe('2026-02-01');
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2026-03-08', 0)).toBe('2026-03-08');
  });
});

describe('localToInstant', () => {
  it('converts a local wall time to the instant in standard and daylight time', () => {
    expect(localToInstant('2026-01-05', 8 * 60, 'America/New_York').toISOString()).toBe('2026-01-05T13:00:00.000Z');
    expect(localToInstant('2026-07-06', 8 * 60, 'America/New_York').toISOString()).toBe('2026-07-06T12:00:00.000Z');
    expect(localToInstant('2026-07-06', 8 * 60, 'America/Phoenix').toISOString()).toBe('2026-07-06T15:00:00.000Z');
  });

  it('handles the day clocks spring forward (2026-03-08 in the US)', () => {
    expect(localToInstant('2026-03-08', 8 * 60, 'America/New_York').toISOString()).toBe('2026-03-08T12:00:00.000Z');
    expect(localToInstant('2026-03-08', 60, 'America/New_York').toISOString()).toBe('2026-03-08T06:00:00.000Z');
    // 02:30 does not exist: the first instant at or after it is the jump, 03:00 EDT = 07:00Z.
    expect(localToInstant('2026-03-08', 150, 'America/New_York').toISOString()).toBe('2026-03-08T07:00:00.000Z');
  });

  it('takes the first of the two readings on the day clocks fall back (2026-11-01)', () => {
    // 01:30 happens at 05:30Z (EDT) and again at 06:30Z (EST).
    expect(localToInstant('2026-11-01', 90, 'America/New_York').toISOString()).toBe('2026-11-01T05:30:00.000Z');
    expect(localToInstant('2026-11-01', 8 * 60, 'America/New_York').toISOString()).toBe('2026-11-01T13:00:00.000Z');
  });

  it('reads minute 1440 as the next midnight', () => {
    expect(localToInstant('2026-01-05', 1440, 'America/Chicago').toISOString()).toBe('2026-01-06T06:00:00.000Z');
  });

  it('works east of Greenwich and with half-hour offsets', () => {
    expect(localToInstant('2026-01-05', 9 * 60, 'Asia/Kolkata').toISOString()).toBe('2026-01-05T03:30:00.000Z');
    expect(localToInstant('2026-03-29', 150, 'Europe/Berlin').toISOString()).toBe('2026-03-29T01:00:00.000Z');
  });
});

describe('recipientState', () => {
  it('reads a state code or a full name, in any case', () => {
    expect(recipientState({ state: 'FL' })).toBe('FL');
    expect(recipientState({ state: ' fl ' })).toBe('FL');
    expect(recipientState({ state: 'Florida' })).toBe('FL');
    expect(recipientState({ state: 'new york' })).toBe('NY');
    expect(recipientState({ state: 'District of Columbia' })).toBe('DC');
    expect(recipientState({ state: 'Washington, D.C.' })).toBe('DC');
    expect(recipientState({ state: 'Washington DC' })).toBe('DC');
    expect(recipientState({ state: 'D.C.' })).toBe('DC');
    expect(recipientState({ state: 'Washington' })).toBe('WA');
  });

  it('prefers the state field over the area code', () => {
    expect(recipientState({ state: 'Texas', phone: '+13055550123' })).toBe('TX');
  });

  it('falls back to the area code when the state is missing or unknown', () => {
    expect(recipientState({ phone: '+13055550123' })).toBe('FL');
    expect(recipientState({ state: '', phone: '+14055550123' })).toBe('OK');
    expect(recipientState({ state: 'Ontario', phone: '+14105550123' })).toBe('MD');
    expect(recipientState({ state: null, phone: null })).toBeNull();
    expect(recipientState({ phone: '+14165550123' })).toBeNull(); // Toronto
  });
});

describe('recipientTimezone', () => {
  const contact = { timezone: 'America/Denver', state: 'FL', phone: '+12135550123' };

  it("never lets the timezone setting override the contact's own zone", () => {
    expect(resolveRecipientTimezone({ settingsTimezone: 'America/Phoenix', contact, locationTimezone: 'UTC' })).toEqual(
      {
        timeZone: 'America/Denver',
        via: 'contact',
      },
    );
  });

  it('uses the timezone setting, then the location zone, for a recipient with no zone of their own', () => {
    const foreign = { phone: '+442071234567' };
    expect(
      resolveRecipientTimezone({ settingsTimezone: 'America/Phoenix', contact: foreign, locationTimezone: 'UTC' }),
    ).toEqual({
      timeZone: 'America/Phoenix',
      via: 'settings',
    });
    expect(
      resolveRecipientTimezone({ settingsTimezone: null, contact: foreign, locationTimezone: 'America/Chicago' }),
    ).toEqual({
      timeZone: 'America/Chicago',
      via: 'location',
    });
  });

  it("uses the contact's timezone next", () => {
    expect(resolveRecipientTimezone({ settingsTimezone: null, contact, locationTimezone: 'UTC' })).toEqual({
      timeZone: 'America/Denver',
      via: 'contact',
    });
  });

  it("then the contact's state", () => {
    expect(
      resolveRecipientTimezone({
        contact: { state: 'FL', phone: '+12135550123' },
        locationTimezone: 'America/Chicago',
      }),
    ).toEqual({ timeZone: 'America/New_York', via: 'state' });
    expect(recipientTimezone({ contact: { state: 'Arizona' }, locationTimezone: 'America/Chicago' })).toBe(
      'America/Phoenix',
    );
  });

  it('refines a state with the area code when both name the same state', () => {
    expect(recipientTimezone({ contact: { state: 'TX', phone: '+19155550123' }, locationTimezone: null })).toBe(
      'America/Denver',
    );
    expect(recipientTimezone({ contact: { state: 'TX', phone: '+12145550123' }, locationTimezone: null })).toBe(
      'America/Chicago',
    );
  });

  it('then the area code of the phone', () => {
    expect(
      resolveRecipientTimezone({ contact: { phone: '+12135550123' }, locationTimezone: 'America/New_York' }),
    ).toEqual({ timeZone: 'America/Los_Angeles', via: 'area-code' });
    expect(recipientTimezone({ contact: { phone: '+19155550123' }, locationTimezone: null })).toBe('America/Denver');
  });

  it("then the location's timezone", () => {
    expect(
      resolveRecipientTimezone({ contact: { phone: '+442071234567' }, locationTimezone: 'America/Chicago' }),
    ).toEqual({ timeZone: 'America/Chicago', via: 'location' });
  });

  it('passes over zones Intl does not know, and falls back to New York last', () => {
    expect(
      resolveRecipientTimezone({
        settingsTimezone: 'Bad/Zone',
        contact: { timezone: 'Nope/Nope', state: 'Narnia' },
        locationTimezone: 'Also/Bad',
      }),
    ).toEqual({ timeZone: FALLBACK_TIMEZONE, via: 'fallback' });
    expect(FALLBACK_TIMEZONE).toBe('America/New_York');
  });
});
