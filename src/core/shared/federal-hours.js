// The federal floor for automated texts (TCPA, 47 CFR 64.1200(c)(1); docs/compliance-hours.md): 8:00 AM to 9:00 PM
// on the recipient's clock, every day. The state table and the settings validation read it on the server, the
// page's loosening warning in the browser, so the page warns exactly where a save will be refused. Plain JS for
// the reason clock-text.js gives; it imports nothing outside src/core/shared/.
import { formatClock, formatClockWords } from './clock-text.js';

/** Minutes since the recipient's midnight: `start` inclusive, `end` exclusive. */
export const FEDERAL_HOURS = Object.freeze({ start: 8 * 60, end: 21 * 60 });

/**
 * Where an owner's window (minutes since midnight, null when not a time) is wider than the law allows.
 * @param {number | null} start
 * @param {number | null} end
 * @returns {{ opensEarly: boolean, closesLate: boolean }}
 */
export function beyondFederalHours(start, end) {
  return {
    opensEarly: start !== null && start < FEDERAL_HOURS.start,
    closesLate: end !== null && end > FEDERAL_HOURS.end,
  };
}

/** The floor in the two ways it is written to an owner: "08:00" (as the field takes it) and "8:00 AM". */
export const FEDERAL_TEXT = Object.freeze({
  start: formatClock(FEDERAL_HOURS.start),
  end: formatClock(FEDERAL_HOURS.end),
  startWords: formatClockWords(FEDERAL_HOURS.start),
  endWords: formatClockWords(FEDERAL_HOURS.end),
});
