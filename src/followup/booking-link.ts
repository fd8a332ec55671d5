/**
 * "Wants to book" (reply triage, issue 18.3): the booking link is resent once per run, as one more SMS step of
 * the run (`booking-link`), so it passes every guard a text passes (quiet hours in every zone, the touch cap,
 * consent, opt-out, DND) and the intent record that keeps it from going twice. The reply that asked recovers the
 * run; this one step still goes after that (migrations/0018_booking_link.sql), and nothing but a booking or an
 * opt-out after the reply stops it.
 */
import type { SequenceStep, Settings } from '../core/settings/schema.js';
import type { RunHistory } from '../core/decide.js';

export const BOOKING_LINK_STEP = 'booking-link';

/** The step as the engine decides and renders it; null when the owner has no booking link. */
export function bookingLinkStep(settings: Pick<Settings, 'bookingLink'>): SequenceStep | null {
  if (!settings.bookingLink) return null;
  return {
    id: BOOKING_LINK_STEP,
    after: 'PT0S',
    action: 'sms',
    purpose: 'informational',
    message: 'Here is the link to book a time with {{business.name}}: {{bookingLink}}',
  };
}

/** What may stop the resend: a booking or an opt-out after the reply (the reply itself is why it goes). */
export function bookingLinkHistory(h: RunHistory): RunHistory {
  return { bookedAt: h.bookedAt ?? null, optedOutAt: h.optedOutAt ?? null };
}
