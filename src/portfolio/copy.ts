/**
 * `POST /api/portfolio/copy`: the agency's template, or one sub-account's settings, onto chosen sub-accounts,
 * each keeping what is local to it (settings/shared-fields.ts). Each sub-account is saved on its own, under its
 * own version check and with its own audit entry naming the agency user and where the settings came from; one
 * refused (an email step without a postal address there) does not stop the others.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { AppError } from '../errors.js';
import type { AgencyUser } from '../session/confirm-agency-user.js';
import { emailAddressProblems } from '../core/settings/email-address.js';
import type { InstalledLocation } from '../session/locations.js';
import { defaultSettings, type Settings } from '../core/settings/schema.js';
import { withLocalFields } from '../settings/shared-fields.js';
import { loadSettings, saveSettings } from '../settings/store.js';
import { validateSettings } from '../core/settings/validate.js';

export interface CopyResult {
  locationId: string;
  name: string;
  status: 'copied' | 'unchanged' | 'refused';
  version: number | null;
  message: string;
}

export async function copySettings(
  db: Kysely<Database>,
  input: {
    source: Settings;
    /** Said in each audit entry: "agency template" or "copied from <sub-account>". */
    via: string;
    targets: InstalledLocation[];
    user: AgencyUser;
    now: Date;
  },
): Promise<CopyResult[]> {
  const results: CopyResult[] = [];
  for (const target of input.targets) results.push(await copyOne(db, input, target));
  return results;
}

async function copyOne(
  db: Kysely<Database>,
  input: { source: Settings; via: string; user: AgencyUser; now: Date },
  target: InstalledLocation,
): Promise<CopyResult> {
  const name = target.name ?? 'Unnamed sub-account';
  const result = (status: CopyResult['status'], version: number | null, message: string): CopyResult => ({
    locationId: target.locationId,
    name,
    status,
    version,
    message,
  });
  // Twice at most: a save that meets a concurrent edit reads the new version and merges onto it.
  for (let attempt = 0; attempt < 2; attempt++) {
    const current = await loadSettings(db, target.locationId);
    const local = current?.settings ?? defaultSettings();
    const checked = validateSettings(withLocalFields(input.source, local));
    if (!checked.ok) return result('refused', current?.version ?? null, checked.problems[0]?.message ?? 'invalid');
    const merged = checked.settings;
    const address = emailAddressProblems(merged, await postalAddressOf(db, target.locationId));
    if (address.length > 0) {
      return result(
        'refused',
        current?.version ?? null,
        'an email step needs the business’s postal address, which this sub-account does not have in GoHighLevel',
      );
    }
    if (current && JSON.stringify(current.settings) === JSON.stringify(merged)) {
      return result('unchanged', current.version, 'already had these settings');
    }
    try {
      const saved = await saveSettings(db, {
        locationId: target.locationId,
        expectedVersion: current?.version ?? 0,
        settings: merged,
        user: { userId: input.user.userId, userName: input.user.userName },
        now: input.now,
        via: input.via,
      });
      return result('copied', saved.version, 'settings copied; its numbers, reps and time zone kept');
    } catch (err) {
      if (!(err instanceof AppError) || err.code !== 'VERSION_CONFLICT' || attempt === 1) throw err;
    }
  }
  throw new Error('unreachable');
}

/** The postal address GHL gave for the sub-account (location_profiles, kept by the installations feature). */
async function postalAddressOf(db: Kysely<Database>, locationId: string): Promise<string | null> {
  const row = await db
    .selectFrom('location_profiles')
    .select('business_address')
    .where('location_id', '=', locationId)
    .executeTakeFirst();
  return row?.business_address ?? null;
}
