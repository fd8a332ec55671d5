import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';
import { type OpportunityEvent, parseTimestamp } from '../webhooks/events.js';

type Body = Record<string, unknown>;

const money = (v: unknown): number | null => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) && n >= 0 && n < 1e12 ? Math.round(n * 100) / 100 : null;
};

/**
 * Keeps the opportunity's latest snapshot: a redelivered or late event older than the one stored changes
 * nothing (GHL redelivers a 429'd event up to ~70 min later with its original `timestamp`), and a Create never
 * undoes a change stored before it. A field the event
 * leaves out or sends as null keeps its stored value (fields may be null, docs/ghl-webhooks.md).
 */
export async function ingestOpportunity(
  trx: Kysely<Database>,
  event: OpportunityEvent,
  receivedAt: Date,
): Promise<void> {
  const { locationId, id } = event;
  const eventAt = (event.timestamp == null ? undefined : parseTimestamp(event.timestamp)) ?? receivedAt;
  const created = event.dateAdded ? new Date(event.dateAdded) : null;
  const createdAt = created && Number.isFinite(created.getTime()) ? created : eventAt;
  const deleted = event.type === 'OpportunityDelete';
  // A Create describes the opportunity's first state: processed after a change of the same second (two jobs
  // racing), it only fills what is missing.
  const first = event.type === 'OpportunityCreate';
  await sql`
    insert into opportunities as o (location_id, opportunity_id, contact_id, monetary_value, status, created_at, event_at, deleted)
    values (${locationId}, ${id}, ${event.contactId}, ${money(event.monetaryValue)}, ${event.status},
            ${createdAt}, ${eventAt}, ${deleted})
    on conflict (location_id, opportunity_id) do update set
      contact_id = coalesce(excluded.contact_id, o.contact_id),
      monetary_value = case when ${first} then coalesce(o.monetary_value, excluded.monetary_value)
                            else coalesce(excluded.monetary_value, o.monetary_value) end,
      status = case when ${first} then coalesce(o.status, excluded.status) else coalesce(excluded.status, o.status) end,
      created_at = least(o.created_at, excluded.created_at),
      event_at = greatest(o.event_at, excluded.event_at),
      deleted = o.deleted or excluded.deleted
    where o.event_at <= excluded.event_at`.execute(trx);
}

/**
 * [U] The value of a booked appointment's service. GHL's appointment events document no price
 * (docs/ghl-webhooks.md, "Opportunities"); service bookings are priced in GHL's service menu, and whether a
 * price reaches the appointment is unverified. Read defensively: a positive number under one of the names a
 * price would take, else nothing (and the owner's per-source value decides).
 */
export function appointmentValue(appt: Body): number | null {
  const service = appt.service && typeof appt.service === 'object' ? (appt.service as Body) : {};
  for (const v of [appt.price, appt.amount, appt.value, service.price, service.amount]) {
    const n = money(v);
    if (n !== null && n > 0) return n;
  }
  return null;
}
