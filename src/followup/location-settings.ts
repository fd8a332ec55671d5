import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';
import { defaultSettings, type Settings, settingsSchema } from '../settings/schema.js';

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
  const { rows } = await sql<{ settings: unknown; status: string | null; timezone: string | null; name: string | null }>`
    select (select settings from location_settings where location_id = ${locationId}) as settings,
           i.status, i.timezone, i.name
    from (select 1) as one left join installations i on i.location_id = ${locationId}`.execute(db);
  return locationContextFrom(rows[0] ?? null);
}

/** The context from a location's settings document and install row, either of which may be missing. */
export function locationContextFrom(
  row: { settings: unknown; status: string | null; timezone: string | null; name: string | null } | null,
): LocationContext {
  const parsed = row?.settings ? settingsSchema.safeParse(row.settings) : null;
  return {
    settings: parsed?.success ? parsed.data : defaultSettings(),
    timezone: row?.timezone ?? null,
    name: row?.name ?? null,
    installed: row?.status === 'installed',
  };
}
