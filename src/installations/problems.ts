/**
 * What an owner must fix in GHL for Ringback to work fully, kept per location and shown on the settings page
 * (`/api/lookups`). Today one kind: a scope the install lacks, so GHL answers a call with 401 "The token is not
 * authorized for this scope" even after a refresh (docs/ghl-oauth.md, 401). Cleared when the location installs
 * again, which is how the owner grants the scope.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';

export interface LocationProblem {
  code: string;
  message: string;
  since: string;
}

export async function recordScopeProblem(
  db: Kysely<Database>,
  locationId: string,
  scope: string | null,
  call: string,
  now: Date,
): Promise<void> {
  const what = scope ? `the ${scope} scope` : 'a scope';
  const detail = `GoHighLevel refused ${call}: the app's install lacks ${what}. Reinstall Ringback in this sub-account to grant it.`;
  await db
    .insertInto('location_problems')
    .values({
      location_id: locationId,
      code: `missing-scope:${scope ?? 'unknown'}`,
      detail,
      first_seen_at: now,
      last_seen_at: now,
    })
    .onConflict((oc) => oc.columns(['location_id', 'code']).doUpdateSet({ detail, last_seen_at: now }))
    .execute();
}

export async function locationProblems(db: Kysely<Database>, locationId: string): Promise<LocationProblem[]> {
  const rows = await db
    .selectFrom('location_problems')
    .select(['code', 'detail', 'first_seen_at'])
    .where('location_id', '=', locationId)
    .orderBy('first_seen_at')
    .execute();
  return rows.map((r) => ({ code: r.code, message: r.detail, since: r.first_seen_at.toISOString() }));
}

export async function clearProblems(trx: Kysely<Database>, locationId: string): Promise<void> {
  await trx.deleteFrom('location_problems').where('location_id', '=', locationId).execute();
}
