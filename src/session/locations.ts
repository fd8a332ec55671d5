/** What the settings feature reads about installs: read-only queries on the installations table. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';

export interface InstalledLocation {
  locationId: string;
  companyId: string | null;
  name: string | null;
  timezone: string | null;
}

export async function findInstalledLocation(
  db: Kysely<Database>,
  locationId: string,
): Promise<InstalledLocation | null> {
  const row = await db
    .selectFrom('installations')
    .select(['location_id', 'company_id', 'name', 'timezone'])
    .where('location_id', '=', locationId)
    .where('status', '=', 'installed')
    .executeTakeFirst();
  return row ? toLocation(row) : null;
}

export async function listInstalledLocationsOfCompany(
  db: Kysely<Database>,
  companyId: string,
): Promise<InstalledLocation[]> {
  const rows = await db
    .selectFrom('installations')
    .select(['location_id', 'company_id', 'name', 'timezone'])
    .where('company_id', '=', companyId)
    .where('status', '=', 'installed')
    .orderBy('name')
    .orderBy('location_id')
    .limit(500)
    .execute();
  return rows.map(toLocation);
}

function toLocation(row: {
  location_id: string;
  company_id: string | null;
  name: string | null;
  timezone: string | null;
}) {
  return { locationId: row.location_id, companyId: row.company_id, name: row.name, timezone: row.timezone };
}
