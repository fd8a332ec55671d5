import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Deps } from '../deps.js';
import type { Database } from '../db/database.js';
import type { GhlApi } from '../ghl/api.js';
import { enqueueJob } from '../jobs/queries.js';
import { defineJob } from '../jobs/registry.js';
import { ghlJobError } from '../ghl/job-errors.js';

export const LOCATION_REFRESH_JOB = 'location.refresh';

/**
 * Asks for the location's business details to be read again from GHL: at install, and on `LocationUpdate`,
 * whose documented body names only the location (docs/webhook events/LocationUpdate.md: id, name, email,
 * companyId), so its time zone and address come from GET /locations/{id}.
 */
export async function requestLocationRefresh(trx: Kysely<Database>, locationId: string, now: Date): Promise<void> {
  await enqueueJob(trx, { kind: LOCATION_REFRESH_JOB, payload: { locationId }, runAt: now, locationId }, now);
}

/** The location's postal address for email footers; null when GHL has none (an email step is then refused). */
export async function businessAddress(db: Kysely<Database>, locationId: string): Promise<string | null> {
  const row = await db
    .selectFrom('location_profiles')
    .select('business_address')
    .where('location_id', '=', locationId)
    .executeTakeFirst();
  return row?.business_address ?? null;
}

export async function saveBusinessAddress(
  trx: Kysely<Database>,
  locationId: string,
  address: string | null,
  now: Date,
): Promise<void> {
  await trx
    .insertInto('location_profiles')
    .values({ location_id: locationId, business_address: address, updated_at: now })
    .onConflict((oc) => oc.column('location_id').doUpdateSet({ business_address: address, updated_at: now }))
    .execute();
}

export function locationRefreshJob(deps: Deps, ghl: GhlApi) {
  return defineJob({
    kind: LOCATION_REFRESH_JOB,
    schema: z.object({ locationId: z.string() }),
    maxAttempts: 8,
    async handle({ locationId }) {
      const location = await ghl.getLocation(locationId).catch((err) => {
        throw ghlJobError(err);
      });
      const now = deps.clock.now();
      await deps.db.transaction().execute(async (trx) => {
        await saveBusinessAddress(trx, locationId, location.postalAddress ?? null, now);
        await trx
          .updateTable('installations')
          .set((eb) => ({
            name: location.name || eb.ref('name'),
            timezone: location.timezone ? location.timezone : eb.ref('timezone'),
            updated_at: now,
          }))
          .where('location_id', '=', locationId)
          .execute();
      });
    },
  });
}
