/**
 * Outcomes in the owner's words. The run's outcome and reason are codes (`recovered`/`booked`,
 * `suppressed`/`dnd`); the page, the CSV export and the digest say what they mean instead.
 */
import { zoneFormat } from '../core/zone-format.js';

const REASONS: Record<string, string> = {
  // recovered
  booked: 'booked an appointment',
  connected: 'the team reached them by phone',
  replied: 'they replied',
  'callback-completed': 'the rep completed the callback task',
  // lost
  'sequence-ended': 'no answer to any follow-up',
  'call-returned': 'the team called back but did not get through',
  // suppressed
  dnd: 'the contact is on Do Not Disturb',
  disabled: 'Ringback was turned off',
  'opted-out': 'the contact opted out of texts',
  uninstalled: 'Ringback was uninstalled',
  'install-revoked': 'GHL disconnected Ringback from this sub-account (install it again to resume)',
  'contact-deleted': 'the contact was deleted in GHL',
  'wrong-number': 'the caller said it was a wrong number',
};

const OUTCOMES: Record<string, string> = {
  recovered: 'Recovered',
  lost: 'Not recovered',
  suppressed: 'Not followed up',
};

/** "Recovered: booked an appointment", "In progress", "Not followed up: the contact is on Do Not Disturb". */
export function outcomeWords(status: string, outcome: string | null, reason: string | null): string {
  if (!outcome) return status === 'active' ? 'In progress' : 'Ended';
  const head = OUTCOMES[outcome] ?? 'Ended';
  const why = reason ? reasonWords(reason) : null;
  return why ? `${head}: ${why}` : head;
}

/** A reason code in words; an unknown code is shown as words rather than as a code ("some-thing" → "some thing"). */
export function reasonWords(reason: string): string {
  return REASONS[reason] ?? reason.replaceAll('-', ' ');
}

/** "(212) 555-0187" for a US/Canada number in E.164, else the number as GHL gave it. */
export function formatPhone(e164: string | null): string | null {
  if (!e164) return null;
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  return m ? `(${m[1]}) ${m[2]}-${m[3]}` : e164;
}

/** "2026-01-05 9:00 AM EST": the day and time in the location's zone, with the zone's short name. */
export function localTime(at: Date, timeZone: string): string {
  const parts = Object.fromEntries(
    zoneFormat(timeZone, 'dayTime')
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute} ${parts.dayPeriod} ${parts.timeZoneName}`;
}
