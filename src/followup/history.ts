import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';
import type { RunHistory } from './decide.js';

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
  | 'booked'
  | 'task-completed'
  | 'dnd';

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

/** The first time each stop condition happened at or after `since`. */
export async function loadRunHistory(
  db: Kysely<Database>,
  locationId: string,
  contactId: string,
  since: Date,
  callbackTaskIds: string[],
): Promise<RunHistory> {
  const rows = await db
    .selectFrom('contact_events')
    .select(['kind', 'ref', (eb) => eb.fn.min('at').as('first_at')])
    .where('location_id', '=', locationId)
    .where('contact_id', '=', contactId)
    .where('at', '>=', since)
    .groupBy(['kind', 'ref'])
    .execute();
  const first = (pred: (r: (typeof rows)[number]) => boolean): Date | null => {
    const times = rows.filter(pred).map((r) => new Date(r.first_at as unknown as string).getTime());
    return times.length ? new Date(Math.min(...times)) : null;
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

/** Missed inbound calls plus unanswered callbacks within the window ending at `now` (the escalation count). */
export async function countMissedConnections(
  db: Kysely<Database>,
  locationId: string,
  contactId: string,
  since: Date,
  now: Date,
): Promise<number> {
  const res = await sql<{ n: number }>`
    select count(*)::int as n from contact_events
    where location_id = ${locationId} and contact_id = ${contactId}
      and kind in ('missed-call', 'outbound-unanswered') and at >= ${since} and at <= ${now}`.execute(db);
  return res.rows[0]?.n ?? 0;
}
