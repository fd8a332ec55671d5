// Dates and times as the owner reads them: in the location's time zone, named as a place ("New York time"),
// never UTC and never an IANA code.

/** "America/New_York" → "New York time"; "America/Indiana/Indianapolis" → "Indianapolis time"; "UTC" stays. */
export function placeOf(zone) {
  if (!zone || zone === 'UTC' || zone === 'Etc/UTC') return 'UTC';
  return `${zone.split('/').pop().replaceAll('_', ' ')} time`;
}

/** A "YYYY-MM-DD" local day as "Mon, Jan 5" (the day is already the location's: no zone shift). */
export function dayLabel(day, opts = { weekday: 'short', month: 'short', day: 'numeric' }) {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d, 12)).toLocaleDateString('en-US', { ...opts, timeZone: 'UTC' });
}

/** "9:02 AM" in `zone`. */
export function clock(iso, zone) {
  return new Date(iso).toLocaleTimeString('en-US', { timeZone: zone, hour: 'numeric', minute: '2-digit' });
}

/** "Jan 5" in `zone`. */
export function dateOf(iso, zone) {
  return new Date(iso).toLocaleDateString('en-US', { timeZone: zone, month: 'short', day: 'numeric' });
}

/** "Mon, Jan 5, 9:02 AM" in `zone`. */
export function when(iso, zone) {
  return new Date(iso).toLocaleString('en-US', {
    timeZone: zone,
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
  });
}

/** The local "YYYY-MM-DD" of an instant in `zone`. */
export function localDay(iso, zone) {
  return new Date(iso).toLocaleDateString('en-CA', { timeZone: zone });
}
