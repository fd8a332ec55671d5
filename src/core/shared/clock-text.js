// Shared as one plain ES module, not an /api round trip: the page normalises a field on `change`, synchronously,
// before a save reads it, and with no build step in views/ a file both Node and Chromium run as is is the one way.
// The server imports it (src/core/settings/validate-hints.ts); the page loads it from /app/core/ (src/settings/page.ts).
// So it stays JavaScript with JSDoc types and imports nothing outside src/core/shared/.

/**
 * "8am" → "08:00", "8:30 pm" → "20:30", "9.15" → "09:15", "7" → "07:00"; null when it is not a time of day.
 * @param {string} text
 * @returns {string | null}
 */
export function normaliseClock(text) {
  const m = /^\s*(\d{1,2})(?:[:.h](\d{2}))?\s*([ap])?\.?\s*m?\.?\s*$/i.exec(text);
  if (!m) return null;
  let hour = Number(m[1]);
  const minute = Number(m[2] ?? 0);
  const half = m[3]?.toLowerCase();
  if (half) {
    if (hour < 1 || hour > 12) return null;
    hour = (hour % 12) + (half === 'p' ? 12 : 0);
  }
  if (hour > 24 || minute > 59 || (hour === 24 && minute > 0)) return null;
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/**
 * Minutes since midnight of "HH:MM" (00:00..23:59, and "24:00" = 1440), or null: the stored form, strictly.
 * @param {string} text
 * @returns {number | null}
 */
export function parseClock(text) {
  if (text === '24:00') return 1440;
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(text);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}

/**
 * 480 → "08:00", 1440 → "24:00": minutes since midnight in the stored form, the inverse of parseClock.
 * @param {number} minutes
 * @returns {string}
 */
export function formatClock(minutes) {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/**
 * 480 → "8:00 AM", 1260 → "9:00 PM", 0 → "12:00 AM": as the law and the timeline word an hour.
 * @param {number} minutes
 * @returns {string}
 */
export function formatClockWords(minutes) {
  const hour = Math.floor(minutes / 60) % 24;
  return `${hour % 12 || 12}:${String(minutes % 60).padStart(2, '0')} ${hour < 12 ? 'AM' : 'PM'}`;
}
