import type { Kysely } from 'kysely';
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
  const [row, install] = await Promise.all([
    db.selectFrom('location_settings').select('settings').where('location_id', '=', locationId).executeTakeFirst(),
    db
      .selectFrom('installations')
      .select(['status', 'timezone', 'name'])
      .where('location_id', '=', locationId)
      .executeTakeFirst(),
  ]);
  const parsed = row ? settingsSchema.safeParse(row.settings) : null;
  return {
    settings: parsed?.success ? parsed.data : defaultSettings(),
    timezone: install?.timezone ?? null,
    name: install?.name ?? null,
    installed: install?.status === 'installed',
  };
}
