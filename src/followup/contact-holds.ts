import type { HistoryRow } from './history.js';

/** Why a message to this contact must not go out, beyond decide.ts's guards; null when nothing holds it. */
export type HoldReason = 'held-possible-opt-out' | 'opted-out-email';

export interface ContactHoldFacts {
  /** A reply that may be an opt-out is waiting for a rep to confirm (consent.ts). */
  smsHeld: boolean;
  /** The contact unsubscribed by email (consent.ts). */
  emailOptedOut: boolean;
}

/**
 * Holds that come from what the contact said, checked at the step's call site after the decision: a stop wins
 * over a hold, and a hold turns a send or a deferral into a skip. `foundNow` is what the API check found for this
 * step, which the flags loaded with the step do not show yet (a released hold stays in the history).
 */
export function contactHold(
  action: string,
  facts: ContactHoldFacts,
  foundNow: readonly HistoryRow[],
): HoldReason | null {
  if (action === 'sms' && (facts.smsHeld || foundNow.some((h) => h.kind === 'maybe-opt-out')))
    return 'held-possible-opt-out';
  if (action === 'email' && (facts.emailOptedOut || foundNow.some((h) => h.kind === 'email-opt-out')))
    return 'opted-out-email';
  return null;
}

/** Added to a rep's task when the carrier said texts cannot reach the number: the rep should not text either. */
export const NOT_TEXTABLE_NOTE =
  'Texts cannot reach this number: the carrier reported it as a landline, unknown or unreachable. Call instead.';

/** Skips, holds and deferrals in words an owner understands, for the call's timeline. */
export const REASON_WORDS: Record<string, string> = {
  'held-possible-opt-out':
    'Text not sent: the contact replied something that may mean "stop texting me"; a rep was asked to confirm.',
  'opted-out-email': 'Email not sent: the contact unsubscribed from emails.',
  'opted-out-sms': 'Text not sent: the contact opted out of texts.',
  'not-textable':
    'Text not sent: the carrier reported this number cannot receive texts (landline, unknown or unreachable).',
  'dnd-sms': 'Text not sent: the contact is on Do Not Disturb for texts in GHL.',
  'dnd-email': 'Email not sent: the contact is on Do Not Disturb for email in GHL.',
  'no-email': 'Email not sent: GHL has no email address for the contact.',
  'no-postal-address':
    'Email not sent: it has no postal address, which the law (CAN-SPAM) requires. Add the business address in GHL (Business Profile) or write it in the email.',
  'outside-send-window': "Text waits: it is outside the allowed hours in the contact's local time.",
  'touch-cap': 'Text waits: the contact already got the most automated texts allowed in 24 hours.',
};
