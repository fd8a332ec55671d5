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
    md5: text === null ? null : md5(text),
    settings: settingsFromText(locationId, text),
  };
  setBounded(copies, locationId, copy, MAX_ENTRIES);
  return copy;
}

/** The reps GHL deleted in a location (UserDelete), with the md5 the attribution statement checks. */
export interface RemovedUsersCopy {
  md5: string | null;
  ids: ReadonlySet<string>;
}

const removedCopies = new Map<string, RemovedUsersCopy>();

/**
 * Reps GHL deleted leave routing; a copy taken before another instance processed a UserDelete is refused by the
 * statement that would assign from it (ringback_attribute_run), and read again with `fresh`.
 */
export async function removedUsersCopy(
  db: Kysely<Database>,
  locationId: string,
  fresh: boolean,
): Promise<RemovedUsersCopy> {
  const held = fresh ? undefined : removedCopies.get(locationId);
  if (held) return held;
  const rows = await db.selectFrom('removed_users').select('user_id').where('location_id', '=', locationId).execute();
  const ids = rows.map((r) => r.user_id).sort();
  // The same text Postgres hashes: ids in byte order (collate "C"), joined by commas; none is null.
  const copy = { md5: ids.length ? md5(ids.join(',')) : null, ids: new Set(ids) };
  setBounded(removedCopies, locationId, copy, MAX_ENTRIES);
  return copy;
}

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex');
}
