import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { RunHistory } from '../core/decide.js';

/**
 * Kinds of contact history. Missed connections are `missed-call` and `outbound-unanswered`; human contact is
 * `answered-call`, `outbound-answered` and `manual-message`; recovery is a connection, a reply or a booking.
 */
export type ContactEventKind =
  | 'missed-call'
  | 'answered-call'
  | 'outbound-answered'
  | 'outbound-unanswered'
  | 'manual-message'
  | 'reply'
  | 'opt-out'
  | 'email-opt-out'
  | 'maybe-opt-out'
  | 'reply-triaged'
  | 'delivery-failed'
  | 'booked'
  | 'task-completed'
  | 'contact-deleted'
  | 'dnd'
  // Another automation (a GHL workflow, its missed-call text-back) texted the contact: not a human reaching out.
  | 'other-automation';

export interface ContactEventInput {
  locationId: string;
  contactId: string;
  kind: ContactEventKind;
  at: Date;
  /** GHL's id of what happened (message, appointment, task): the same fact is recorded once. */
  ref?: string | null;
  detail?: Record<string, unknown>;
}

export async function recordContactEvent(db: Kysely<Database>, e: ContactEventInput): Promise<boolean> {
  const res = await db
    .insertInto('contact_events')
    .values({
      location_id: e.locationId,
      contact_id: e.contactId,
      kind: e.kind,
      at: e.at,
      ref: e.ref ?? null,
      detail: JSON.stringify(e.detail ?? {}),
    })
    .onConflict((oc) => oc.columns(['location_id', 'kind', 'ref']).where('ref', 'is not', null).doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** One kind of contact history at one time (its GHL id when it has one). */
export interface HistoryRow {
  kind: string;
  ref: string | null;
  at: Date;
}

/** The first time of each stop condition among `rows` (all of them at or after the run's start). */
export function runHistoryFrom(rows: readonly HistoryRow[], callbackTaskIds: readonly string[]): RunHistory {
  const first = (pred: (r: HistoryRow) => boolean): Date | null => {
    let min: number | null = null;
    for (const r of rows) if (pred(r) && (min === null || r.at.getTime() < min)) min = r.at.getTime();
    return min === null ? null : new Date(min);
  };
  return {
    callReturnedAt: first((r) => r.kind === 'outbound-answered' || r.kind === 'outbound-unanswered'),
    answeredAt: first((r) => r.kind === 'answered-call'),
    repliedAt: first((r) => r.kind === 'reply'),
    bookedAt: first((r) => r.kind === 'booked'),
    taskCompletedAt: first((r) => r.kind === 'task-completed' && r.ref !== null && callbackTaskIds.includes(r.ref)),
    optedOutAt: first((r) => r.kind === 'opt-out'),
  };
}
