import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { ContactDeleteEvent, UserEvent } from '../webhooks/events.js';
import { recordContactEvent } from './history.js';
import { lockActiveRun, stopRun } from './runs.js';

type Db = Kysely<Database>;

/** ContactDelete: nobody is left to follow up, so the contact's active run ends, suppressed. */
export async function handleContactDelete(trx: Db, event: ContactDeleteEvent, at: Date): Promise<void> {
  const { locationId, id: contactId } = event;
  await recordContactEvent(trx, { locationId, contactId, kind: 'contact-deleted', at });
  const run = await lockActiveRun(trx, locationId, contactId);
  if (run) await stopRun(trx, run.id, 'contact-deleted', at);
}

/**
 * UserCreate / UserDelete (docs/ghl-reconciliation.md): a deleted rep leaves round-robin, rules and sources at
 * once (src/followup/round-robin.ts skips removed_users); a user created again with the same id comes back.
 * A sub-account user names its `locationId`, an agency user its `locations[]`. Returns the locations touched.
 */
export async function handleUserChange(trx: Db, event: UserEvent, at: Date): Promise<string[]> {
  const userId = event.id ?? event.userId;
  const locations = [...new Set([event.locationId, ...(event.locations ?? [])].filter((l): l is string => !!l))];
  if (!userId || locations.length === 0) return [];
  for (const locationId of locations) {
    if (event.type === 'UserDelete') {
      await trx
        .insertInto('removed_users')
        .values({ location_id: locationId, user_id: userId, removed_at: at })
        .onConflict((oc) => oc.columns(['location_id', 'user_id']).doNothing())
        .execute();
    } else {
      await trx
        .deleteFrom('removed_users')
        .where('location_id', '=', locationId)
        .where('user_id', '=', userId)
        .execute();
    }
  }
  return locations;
}

/** The location's removed reps, for routing. */
export async function removedUserIds(db: Db, locationId: string): Promise<Set<string>> {
  const rows = await db.selectFrom('removed_users').select('user_id').where('location_id', '=', locationId).execute();
  return new Set(rows.map((r) => r.user_id));
}
