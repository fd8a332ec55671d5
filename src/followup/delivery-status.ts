import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { Database } from '../db/database.js';
import type { MessageEvent } from '../webhooks/events.js';
import { deliveryFailureOf } from './carrier-errors.js';
import { recordOptOut } from './consent.js';
import { recordContactEvent } from './history.js';
import { addRunEvent } from './runs.js';

type Db = Kysely<Database>;

/**
 * A status report (`OutboundMessage`) of a message Ringback sent, recognised by GHL's message id. A failure is
 * recorded on the run's timeline and acted on: a carrier unsubscribe is an opt-out, an unreachable or landline
 * number is not textable (later texts skip it, the rep's task says so), filtering or unregistered 10DLC traffic
 * warns the owner. True when the event was such a report (the caller does nothing more with it).
 */
export async function ingestDeliveryStatus(trx: Db, event: MessageEvent, at: Date, now: Date): Promise<boolean> {
  const { locationId } = event;
  const failure = deliveryFailureOf(event);
  const messageId = event.messageId ?? event.id;
  if (!failure || !messageId) return false;
  const step = (await stepByGhlId(trx, locationId, messageId)) ?? (await stepStillSending(trx, event));
  if (!step) return false;
  const { contact_id: contactId } = step;
  const fresh = await recordContactEvent(trx, {
    locationId,
    contactId,
    kind: 'delivery-failed',
    at,
    ref: messageId,
    detail: { status: failure.status, code: failure.code, effect: failure.effect },
  });
  if (!fresh) return true;
  const what = step.action === 'email' ? 'The email' : 'The text';
  await addRunEvent(
    trx,
    step.run_id,
    at,
    'delivery-failed',
    {
      status: failure.status,
      code: failure.code,
      text: `${what} was not delivered: ${failure.meaning}.${consequence(failure.effect)}`,
    },
    step.step_id,
  );
  if (step.action !== 'sms') return true;
  if (failure.effect === 'opted-out') {
    const t = { locationId, contactId, channel: 'sms', body: null, messageId, at, via: 'carrier' } as const;
    await recordOptOut(
      trx,
      t,
      `carrier error ${failure.code}`,
      now,
      'The carrier reports the contact unsubscribed from texts; no more automated texts, and GHL is told (SMS Do Not Disturb).',
    );
  } else if (failure.effect === 'not-textable') {
    await trx
      .insertInto('contact_flags')
      .values({
        location_id: locationId,
        contact_id: contactId,
        not_textable_at: at,
        not_textable_reason: failure.code,
      })
      .onConflict((oc) =>
        oc
          .columns(['location_id', 'contact_id'])
          .doUpdateSet({ not_textable_at: at, not_textable_reason: failure.code }),
      )
      .execute();
  } else if (failure.effect === 'a2p-warning' && failure.code) {
    await sql`
      insert into location_warnings (location_id, code, first_at, last_at, occurrences)
      values (${locationId}, ${failure.code}, ${at}, ${at}, 1)
      on conflict (location_id, code) do update
        set last_at = greatest(location_warnings.last_at, excluded.last_at), occurrences = location_warnings.occurrences + 1`.execute(
      trx,
    );
  }
  return true;
}

function consequence(effect: string): string {
  if (effect === 'opted-out') return ' The contact is treated as opted out of texts.';
  if (effect === 'not-textable') return ' Later texts to this number are skipped; the rep’s task says so.';
  if (effect === 'a2p-warning') return ' The settings page warns about the sender’s A2P 10DLC registration.';
  return '';
}

export function stepByGhlId(trx: Db, locationId: string, messageId: string) {
  return trx
    .selectFrom('run_steps')
    .select(['run_id', 'step_id', 'contact_id', 'action'])
    .where('location_id', '=', locationId)
    .where('ghl_id', '=', messageId)
    .executeTakeFirst();
}

/**
 * GHL may report a failure before our own record of the send has GHL's id (the report races the send's answer):
 * the contact's text still in 'sending' with the same words is the one.
 */
export function stepStillSending(trx: Db, event: MessageEvent) {
  if (!event.contactId || !event.body) return undefined;
  return trx
    .selectFrom('run_steps')
    .select(['run_id', 'step_id', 'contact_id', 'action'])
    .where('location_id', '=', event.locationId)
    .where('contact_id', '=', event.contactId)
    .where('state', '=', 'sending')
    .where('action', '=', 'sms')
    .where(sql<boolean>`rendered->>'message' = ${event.body}`)
    .executeTakeFirst();
}
