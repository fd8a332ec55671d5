/** The last dry-run test call of a location: the setup checker wants one in the last 30 days (setup-check.ts). */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';

export async function recordTestCall(db: Kysely<Database>, locationId: string, now: Date): Promise<void> {
  await db
    .insertInto('location_profiles')
    .values({ location_id: locationId, business_address: null, updated_at: now, test_call_at: now })
    .onConflict((oc) => oc.column('location_id').doUpdateSet({ test_call_at: now }))
    .execute();
}
