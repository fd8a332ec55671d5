/**
 * What of a settings document an agency may share between its sub-accounts, and what stays local to each
 * (docs/design.md, agency portfolio): the tracking numbers and their sources, the reps (routing, the manager),
 * the digest's recipients, the time zone, and a booking link that points at one sub-account's own calendar.
 * The business address is not in the document (GHL's location profile), so it never travels.
 */
import type { Settings } from '../core/settings/schema.js';

/**
 * A GHL calendar's booking page (`/widget/booking/{calendarId}`, docs/ghl-platform.md §7; `/widget/bookings/` for
 * a calendar's slug [U]): it books into one sub-account's calendar, so it is never copied to another.
 */
export function isLocationSpecificLink(link: string): boolean {
  return /\/widget\/bookings?\//i.test(link);
}

/** `shared` with every local field taken from `local`: what a copy or the template makes of a sub-account. */
export function withLocalFields(shared: Settings, local: Settings): Settings {
  const link = shared.bookingLink;
  return {
    ...structuredClone(shared),
    timezone: local.timezone,
    bookingLink: link === '' || isLocationSpecificLink(link) ? local.bookingLink : link,
    sources: structuredClone(local.sources),
    routing: structuredClone(local.routing),
    escalation: { ...shared.escalation, managerUserId: local.escalation.managerUserId },
    digest: { ...shared.digest, recipients: [...local.digest.recipients] },
  };
}

/** The document with its local fields emptied: what an agency template holds, so it names no one's numbers or reps. */
export function sharedPart(settings: Settings): Settings {
  const link = settings.bookingLink;
  return {
    ...structuredClone(settings),
    timezone: null,
    bookingLink: isLocationSpecificLink(link) ? '' : link,
    sources: [],
    routing: { userIds: [], rules: [] },
    escalation: { ...settings.escalation, managerUserId: null },
    digest: { ...settings.digest, recipients: [] },
  };
}
