import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { recordContactEvent } from './history.js';
import { endRun, lockActiveRun } from './runs.js';

type Db = Kysely<Database>;
type Body = Record<string, unknown>;

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** ContactDelete: nobody is left to follow up, so the contact's active run ends, suppressed. */
export async function handleContactDelete(trx: Db, locationId: string, body: Body, at: Date): Promise<void> {
  const contactId = str(body.id) ?? str(body.contactId);
  if (!contactId) return;
  await recordContactEvent(trx, { locationId, contactId, kind: 'contact-deleted', at });
  const run = await lockActiveRun(trx, locationId, contactId);
  if (run) await endRun(trx, run.id, 'suppressed', 'contact-deleted', at);
}

/**
 * UserCreate / UserDelete (docs/ghl-reconciliation.md): a deleted rep leaves round-robin, rules and sources at
 * once (src/followup/round-robin.ts skips removed_users); a user created again with the same id comes back.
 * A sub-account user names its `locationId`, an agency user its `locations[]`. Returns the locations touched.
 */
export async function handleUserChange(
  trx: Db,
  type: 'UserCreate' | 'UserDelete',
  body: Body,
  at: Date,
): Promise<string[]> {
  const userId = str(body.id) ?? str(body.userId);
  const listed = Array.isArray(body.locations) ? body.locations.map(str) : [];
  const locations = [...new Set([str(body.locationId), ...listed].filter((l): l is string => l !== null))];
  if (!userId || locations.length === 0) return [];
  for (const locationId of locations) {
    if (type === 'UserDelete') {
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
