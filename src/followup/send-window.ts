/**
 * The SMS send window in the recipient's local time, narrowed by the state rules of compliance.md.
 */
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

// Florida (FTSA), Oklahoma and Maryland: 08:00-20:00 local. Applied as a narrowing of the owner's window only.
const EIGHT_TO_EIGHT: readonly string[] = ['FL', 'OK', 'MD'];
const MINUTES = (hours: number) => hours * 60;

/** Minutes since midnight of "HH:MM" (00:00..23:59, and "24:00" = 1440), or null. */
export function parseClock(text: string): number | null {
  if (text === '24:00') return 1440;
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

/**
 * The window that applies on `localDate` (`YYYY-MM-DD`, the recipient's calendar day) to a recipient in
 * `state`, or null when nothing is left of it that day (a narrow owner window the state rules shut entirely).
 */
export function effectiveWindow(
  window: SendWindowSettings,
  state: string | null | undefined,
  localDate: string,
): LocalWindow | null {
  const ownStart = parseClock(window.start);
  const ownEnd = parseClock(window.end);
  if (ownStart === null || ownEnd === null) return null;
  let start = ownStart;
  let end = ownEnd;
  if (state && EIGHT_TO_EIGHT.includes(state)) {
    start = Math.max(start, MINUTES(8));
    end = Math.min(end, MINUTES(20));
  }
  if (state === 'TX') {
    // Texas SB 140: 09:00-21:00 Monday to Saturday, 12:00-21:00 on Sunday.
    const isSunday = new Date(`${localDate}T00:00:00Z`).getUTCDay() === 0;
    start = Math.max(start, MINUTES(isSunday ? 12 : 9));
    end = Math.min(end, MINUTES(21));
  }
  return start < end ? { start, end } : null;
}

/** Whether `now` falls inside the effective window of the recipient's local day. */
export function isInSendWindow(
  now: Date,
  timeZone: string,
  window: SendWindowSettings,
  state: string | null | undefined,
): boolean {
  const local = localParts(now, timeZone);
  const open = effectiveWindow(window, state, local.date);
  return open !== null && local.minute >= open.start && local.minute < open.end;
}

// A week covers every weekday rule; a window still shut after that is shut for good.
const SEARCH_DAYS = 8;

/**
 * `now` when it is inside the window, else the first minute the window opens (in real time, so daylight
 * saving changes are honoured), or null when the window never opens (the state rules shut it every day).
 */
export function nextOpenTime(
  now: Date,
  timeZone: string,
  window: SendWindowSettings,
  state: string | null | undefined,
): Date | null {
  if (isInSendWindow(now, timeZone, window, state)) return now;
  const today = localParts(now, timeZone).date;
  for (let day = 0; day < SEARCH_DAYS; day += 1) {
    const date = addDays(today, day);
    const open = effectiveWindow(window, state, date);
    if (open === null) continue;
    const opensAt = localToInstant(date, open.start, timeZone);
    const closesAt = localToInstant(date, open.end, timeZone);
    if (opensAt.getTime() > now.getTime() && opensAt.getTime() < closesAt.getTime()) return opensAt;
  }
  return null;
}
