/**
 * Which time zone a recipient lives in, and the wall-clock arithmetic the send window needs, with Intl only.
 */
import {
  areaCodeState,
  areaCodeZones,
  isStateCode,
  phoneAreaCode,
  type StateCode,
  stateZones,
  US_STATES,
} from './area-codes.js';
import { zoneFormat } from './zone-format.js';

/** Last resort when even the location has no usable zone: the zone most US contacts live in. */
export const FALLBACK_TIMEZONE = 'America/New_York';

/**
 * Whether Intl knows `timeZone` as a named zone. Offsets such as "+05:00", which newer ICU builds accept, are
 * refused: they have no daylight saving time, so a window computed in them drifts by an hour half the year.
 */
export function isValidTimeZone(timeZone: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(timeZone)) return false;
  try {
    zoneFormat(timeZone, 'parts');
    return true;
  } catch {
    return false;
  }
}

export interface LocalParts {
  /** `YYYY-MM-DD` in the zone. */
  date: string;
  /** Minutes since local midnight, 0..1439. */
  minute: number;
  /** 0 = Sunday .. 6 = Saturday. */
  weekday: number;
}

/** The wall-clock date, minute of the day and weekday of `instant` in `timeZone`. */
export function localParts(instant: Date, timeZone: string): LocalParts {
  const wall = wallClockMs(instant.getTime(), timeZone);
  const day = new Date(wall);
  return {
    date: day.toISOString().slice(0, 10),
    minute: day.getUTCHours() * 60 + day.getUTCMinutes(),
    weekday: day.getUTCDay(),
  };
}

/** The date `days` after a `YYYY-MM-DD` date. */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The first instant at which the clock in `timeZone` reads at least `minute` minutes into `date` (1440 is
 * the next midnight). On a fall-back day that is the first of the two readings; when the minute falls in a
 * spring-forward gap, it is the moment the clocks jump.
 */
export function localToInstant(date: string, minute: number, timeZone: string): Date {
  const target = Date.parse(`${date}T00:00:00Z`) + minute * 60_000;
  // Any one day holds at most one transition, so the offsets a day before and after cover both sides of it.
  const offsets = new Set([offsetMs(target - 86_400_000, timeZone), offsetMs(target + 86_400_000, timeZone)]);
  const candidates = [...offsets].map((offset) => target - offset).sort((a, b) => a - b);
  const exact = candidates.find((at) => wallClockMs(at, timeZone) === target);
  if (exact !== undefined) return new Date(exact);
  // In a gap: the wall clock is below the target before the jump and above it after; find the jump.
  let low = candidates[0] ?? target;
  let high = candidates[candidates.length - 1] ?? target;
  while (high - low > 60_000) {
    const middle = low + Math.floor((high - low) / 120_000) * 60_000;
    if (wallClockMs(middle, timeZone) >= target) high = middle;
    else low = middle;
  }
  return new Date(high);
}

/** Readings by zone and UTC minute; cleared whole when full (a process reads a few zones, minute after minute). */
const readings = new Map<string, number>();
const MAX_READINGS = 10_000;
/** Since 2000 every zone's offset is a whole number of minutes, so one UTC minute has one wall-clock minute. */
const WHOLE_MINUTE_OFFSETS_FROM = Date.UTC(2000, 0, 1);

// The wall-clock reading at `ms` in `timeZone`, expressed as if that reading were UTC (seconds dropped). Kept by
// UTC minute: each step's send window asks for the same few zones (Intl's formatToParts was 0.02-0.04 ms of
// service CPU per missed call in the end-to-end bench's profile, issue 19).
function wallClockMs(ms: number, timeZone: string): number {
  if (ms < WHOLE_MINUTE_OFFSETS_FROM) return readWallClock(ms, timeZone);
  const minute = Math.floor(ms / 60_000);
  const key = `${timeZone} ${minute}`;
  const known = readings.get(key);
  if (known !== undefined) return known;
  const wall = readWallClock(minute * 60_000, timeZone);
  if (readings.size >= MAX_READINGS) readings.clear();
  readings.set(key, wall);
  return wall;
}

function readWallClock(ms: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const part of zoneFormat(timeZone, 'parts').formatToParts(new Date(ms))) parts[part.type] = Number(part.value);
  return Date.UTC(parts.year ?? 0, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0);
}

function offsetMs(ms: number, timeZone: string): number {
  return wallClockMs(ms, timeZone) - Math.floor(ms / 60_000) * 60_000;
}

export interface RecipientContact {
  timezone?: string | null;
  state?: string | null;
  phone?: string | null;
}

/** The contact's state: `state` as a code ("FL") or a name ("Florida"), else the area code of `phone`. */
export function recipientState(contact: RecipientContact): StateCode | null {
  return stateFromText(contact.state) ?? areaCodeStateOf(contact.phone);
}

function stateFromText(text: string | null | undefined): StateCode | null {
  const cleaned = (text ?? '').replace(/\./g, '').replace(/,/g, ' ').trim().replace(/\s+/g, ' ').toUpperCase();
  if (isStateCode(cleaned)) return cleaned;
  if (cleaned === 'WASHINGTON DC') return 'DC';
  const byName = (Object.keys(US_STATES) as StateCode[]).find((code) => US_STATES[code].name.toUpperCase() === cleaned);
  return byName ?? null;
}

function areaCodeStateOf(phone: string | null | undefined): StateCode | null {
  const areaCode = phone ? phoneAreaCode(phone) : null;
  return areaCode === null ? null : areaCodeState(areaCode);
}

export type TimezoneSource = 'settings' | 'contact' | 'state' | 'area-code' | 'location' | 'fallback';

export interface RecipientTimezoneInput {
  settingsTimezone?: string | null;
  contact: RecipientContact;
  locationTimezone?: string | null;
}

/**
 * The zone to show the recipient's times in: the first of recipientCandidates' zones (the contact's own data
 * first; the `timezone` setting and the location's zone only when the contact has none).
 */
export function resolveRecipientTimezone(input: RecipientTimezoneInput): { timeZone: string; via: TimezoneSource } {
  const first = recipientCandidates(input).zones[0];
  return first ? { timeZone: first.timeZone, via: first.via } : { timeZone: FALLBACK_TIMEZONE, via: 'fallback' };
}

export function recipientTimezone(input: RecipientTimezoneInput): string {
  return resolveRecipientTimezone(input).timeZone;
}

export interface ZoneCandidate {
  timeZone: string;
  via: TimezoneSource;
  /** Why the recipient may be in it, in an owner's words: "caller's area code 850". */
  why: string;
}

export interface StateCandidate {
  state: StateCode;
  why: string;
}

/** Every zone and state the recipient may be in (docs/compliance-hours.md, "Candidate zones"). */
export interface RecipientCandidates {
  zones: ZoneCandidate[];
  states: StateCandidate[];
}

/**
 * The contact's time zone, the contact's state, the state and every zone of the phone's area code (a ported or
 * moved number keeps its area code, and Florida's law presumes from it). When the contact's state is the area
 * code's, the area code's zones place them (El Paso, TX is on Mountain time); a different state adds all of its
 * zones. The `timezone` setting, then the location's zone, count only when none of these gives a zone.
 */
export function recipientCandidates(input: RecipientTimezoneInput): RecipientCandidates {
  const { settingsTimezone, contact, locationTimezone } = input;
  const zones: ZoneCandidate[] = [];
  const addZone = (timeZone: string, via: TimezoneSource, why: string) => {
    if (!zones.some((z) => z.timeZone === timeZone)) zones.push({ timeZone, via, why });
  };
  const states: StateCandidate[] = [];
  if (contact.timezone && isValidTimeZone(contact.timezone))
    addZone(contact.timezone, 'contact', "contact's time zone");
  const areaCode = contact.phone ? phoneAreaCode(contact.phone) : null;
  const areaState = areaCode === null ? null : areaCodeState(areaCode);
  const state = stateFromText(contact.state);
  if (state !== null) {
    states.push({ state, why: `contact's state ${state}` });
    if (areaState !== state) for (const zone of stateZones(state)) addZone(zone, 'state', `contact's state ${state}`);
  }
  if (areaCode !== null && areaState !== null) {
    if (areaState !== state) states.push({ state: areaState, why: `caller's area code ${areaCode}` });
    for (const zone of areaCodeZones(areaCode)) addZone(zone, 'area-code', `caller's area code ${areaCode}`);
  }
  if (zones.length === 0) {
    if (settingsTimezone && isValidTimeZone(settingsTimezone))
      addZone(settingsTimezone, 'settings', 'your time zone setting');
    else if (locationTimezone && isValidTimeZone(locationTimezone))
      addZone(locationTimezone, 'location', "the location's time zone");
    else addZone(FALLBACK_TIMEZONE, 'fallback', 'US Eastern time (nothing else known)');
  }
  return { zones, states };
}
