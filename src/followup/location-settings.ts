import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';
import type { Settings } from '../core/settings/schema.js';
import { settingsFromText } from './settings-cache.js';

export interface LocationContext {
  settings: Settings;
  timezone: string | null;
  name: string | null;
  installed: boolean;
}

/** A location's settings document (as text) and install row, either of which may be missing. */
export interface LocationRow {
  settings: string | null;
  status: string | null;
  timezone: string | null;
  name: string | null;
}

/**
 * What the engine needs to know about a location at one moment: its current settings (defaults until the
 * owner saved any) and its install. Read fresh each time, so a change in the page applies to runs in flight.
 * A follow-up step reads the same row inside its facts query (step-facts.ts).
 */
export async function loadLocationContext(db: Kysely<Database>, locationId: string): Promise<LocationContext> {
  // One round trip (twice per missed call): either row may be missing.
  const { rows } = await sql<LocationRow>`
    select (select settings::text from location_settings where location_id = ${locationId}) as settings,
           i.status, i.timezone, i.name
    from (select 1) as one left join installations i on i.location_id = ${locationId}`.execute(db);
  return locationContextFrom(locationId, rows[0] ?? null);
}

export function locationContextFrom(locationId: string, row: LocationRow | null): LocationContext {
  return {
    settings: settingsFromText(locationId, row?.settings ?? null),
    timezone: row?.timezone ?? null,
    name: row?.name ?? null,
    installed: row?.status === 'installed',
  };
}
