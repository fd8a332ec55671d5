// Durations for the server and the page alike: the ISO 8601 reading the settings document is checked with, and
// the words both show. Plain JS served as is from /app/core/ for the reason clock-text.js gives; it imports
// nothing outside src/core/shared/.
//
// Only fixed-length units are accepted: days, hours, minutes, seconds, and weeks on their own (`P1W`). Years and
// months have no fixed length, and a step due "1 month" after a call is not something a missed-call follow-up
// needs, so they are rejected rather than guessed. Designators are upper case, as the standard writes them;
// fractions and negative values are rejected.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;

const DURATION = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/;
const WEEKS = /^P(\d+)W$/;

/**
 * Milliseconds of an ISO 8601 duration (`PT2M`, `P1DT2H`, `PT0S`), or null when the text is not one Ringback accepts.
 * @param {string} text
 * @returns {number | null}
 */
export function parseDuration(text) {
  const weeks = WEEKS.exec(text);
  if (weeks) return safeTotal(Number(weeks[1]) * WEEK);
  const match = DURATION.exec(text);
  if (!match) return null;
  const [, days, hours, minutes, seconds] = match;
  // `P` and `PT` alone, and a `T` with nothing after it, match the pattern but are not durations.
  if (days === undefined && hours === undefined && minutes === undefined && seconds === undefined) return null;
  if (text.endsWith('T')) return null;
  return safeTotal(
    Number(days ?? 0) * DAY + Number(hours ?? 0) * HOUR + Number(minutes ?? 0) * MINUTE + Number(seconds ?? 0) * SECOND,
  );
}

/**
 * Whether `text` is an ISO 8601 duration Ringback accepts.
 * @param {string} text
 * @returns {boolean}
 */
export function isDuration(text) {
  return parseDuration(text) !== null;
}

/**
 * Digit runs can be arbitrarily long; a total beyond 2^53 would silently lose precision.
 * @param {number} ms
 * @returns {number | null}
 */
function safeTotal(ms) {
  return Number.isSafeInteger(ms) ? ms : null;
}

/** @type {readonly [number, string][]} */
const WORD_UNITS = [
  [DAY, 'day'],
  [HOUR, 'hour'],
  [MINUTE, 'minute'],
  [SECOND, 'second'],
];

/**
 * "2 minutes", "1 day 2 hours", "0 seconds": the settings page and the dry run show durations this way.
 * Sub-second parts are dropped.
 * @param {number} ms
 * @returns {string}
 */
export function formatDurationWords(ms) {
  let rest = Math.max(0, Math.floor(ms / SECOND)) * SECOND;
  const words = [];
  for (const [size, unit] of WORD_UNITS) {
    const count = Math.floor(rest / size);
    rest -= count * size;
    if (count > 0) words.push(`${count} ${unit}${count === 1 ? '' : 's'}`);
  }
  return words.length > 0 ? words.join(' ') : '0 seconds';
}

/**
 * The shortest ISO 8601 text for `ms` (whole seconds): 90 minutes is `PT1H30M`, zero is `PT0S`.
 * @param {number} ms
 * @returns {string}
 */
export function formatIsoDuration(ms) {
  let rest = Math.max(0, Math.floor(ms / SECOND)) * SECOND;
  const days = Math.floor(rest / DAY);
  rest -= days * DAY;
  const hours = Math.floor(rest / HOUR);
  rest -= hours * HOUR;
  const minutes = Math.floor(rest / MINUTE);
  rest -= minutes * MINUTE;
  const seconds = rest / SECOND;
  const time = `${hours ? `${hours}H` : ''}${minutes ? `${minutes}M` : ''}${seconds ? `${seconds}S` : ''}`;
  if (days === 0 && time === '') return 'PT0S';
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}

/**
 * 95 → "1 min 35 s": a measured delay (time to the first follow-up) in the page's figures and the call log's CSV.
 * `none` when there is no measure yet: the CSV leaves the cell empty, the page shows a dash.
 * @param {number | null | undefined} seconds
 * @param {string} [none]
 * @returns {string}
 */
export function shortDuration(seconds, none = '') {
  if (seconds === null || seconds === undefined) return none;
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))} s`;
  if (seconds < 3_600) {
    const m = Math.floor(seconds / 60);
    const s = Math.round(seconds % 60);
    return s ? `${m} min ${s} s` : `${m} min`;
  }
  const hr = Math.floor(seconds / 3_600);
  const m = Math.round((seconds % 3_600) / 60);
  return m ? `${hr} h ${m} min` : `${hr} h`;
}
