import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';
import type { Settings } from '../settings/schema.js';
import { settingsFromText } from './settings-cache.js';

export interface LocationContext {
  settings: Settings;
  timezone: string | null;
  name: string | null;
  installed: boolean;
}

/**
 * What the engine needs to know about a location at one moment: its current settings (defaults until the
 * owner saved any) and its install. Read fresh for every step, so a change in the page applies to runs in flight.
 */
export async function loadLocationContext(db: Kysely<Database>, locationId: string): Promise<LocationContext> {
  // One round trip (it runs for every step and twice per missed call): either row may be missing.
  const { rows } = await sql<{ settings: string | null; status: string | null; timezone: string | null; name: string | null }>`
    select (select settings::text from location_settings where location_id = ${locationId}) as settings,
           i.status, i.timezone, i.name
    from (select 1) as one left join installations i on i.location_id = ${locationId}`.execute(db);
  const row = rows[0];
  return {
    settings: settingsFromText(locationId, row?.settings ?? null),
    timezone: row?.timezone ?? null,
    name: row?.name ?? null,
    installed: row?.status === 'installed',
  };
}
