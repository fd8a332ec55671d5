// Speed: replaces reading the settings document inside every missed call's transaction with a copy checked by
// the statement that uses it (migrations/0021_missed_call.sql); figure: see the README's Benchmark, issue 19.
import { createHash } from 'node:crypto';
import { type Kysely, sql } from 'kysely';
import { setBounded } from '../bounded-map.js';
import type { Settings } from '../core/settings/schema.js';
import type { Database } from '../db/database.js';
import { settingsFromText } from './settings-cache.js';

/** A location's settings as last read, with the md5 of the document's text (null: none saved, the defaults). */
export interface SettingsCopy {
  md5: string | null;
  settings: Settings;
}

const MAX_ENTRIES = 5_000;
const copies = new Map<string, SettingsCopy>();

/**
 * The settings a missed call is planned from. The copy may be out of date (another instance saved the page):
 * the statement that acts on it compares its md5 with the document's and answers 'stale', and the caller asks
 * again with `fresh`, which reads the document.
 */
export async function settingsCopy(db: Kysely<Database>, locationId: string, fresh: boolean): Promise<SettingsCopy> {
  const held = fresh ? undefined : copies.get(locationId);
  if (held) return held;
  const { rows } = await sql<{ text: string | null }>`
    select (select settings::text from location_settings where location_id = ${locationId}) as text`.execute(db);
  const text = rows[0]?.text ?? null;
  const copy: SettingsCopy = {
    md5: text === null ? null : createHash('md5').update(text, 'utf8').digest('hex'),
    settings: settingsFromText(locationId, text),
  };
  setBounded(copies, locationId, copy, MAX_ENTRIES);
  return copy;
}
