/**
 * An agency's template of settings (migration 0014): one document per company, without local fields
 * (shared-fields.ts). Every new install of the company's sub-accounts starts from it, future-location
 * auto-installs included, because the install creates default settings through `createDefaultSettings`.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { AppError } from '../errors.js';
import { type Settings, settingsSchema } from '../core/settings/schema.js';
import { sharedPart } from './shared-fields.js';

export interface StoredTemplate {
  settings: Settings;
  version: number;
  updatedAt: Date;
  updatedByName: string | null;
}

export async function loadTemplate(db: Kysely<Database>, companyId: string): Promise<StoredTemplate | null> {
  const row = await db
    .selectFrom('company_settings_templates')
    .select(['settings', 'version', 'updated_at', 'updated_by_name'])
    .where('company_id', '=', companyId)
    .executeTakeFirst();
  if (!row) return null;
  // A template saved before a field existed gets that field's default, as a location's document does.
  const parsed = settingsSchema.safeParse(row.settings);
  if (!parsed.success) return null;
  return { settings: parsed.data, version: row.version, updatedAt: row.updated_at, updatedByName: row.updated_by_name };
}

/** Replaces the template when its version is still `expectedVersion` (0: none yet); 409 otherwise. */
export async function saveTemplate(
  db: Kysely<Database>,
  input: {
    companyId: string;
    expectedVersion: number;
    settings: Settings;
    user: { userId: string; userName: string };
    now: Date;
  },
): Promise<StoredTemplate> {
  const settings = sharedPart(input.settings);
  return db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('company_settings_templates')
      .select('version')
      .where('company_id', '=', input.companyId)
      .forUpdate()
      .executeTakeFirst();
    const currentVersion = current?.version ?? 0;
    if (currentVersion !== input.expectedVersion) {
      throw new AppError(
        409,
        'VERSION_CONFLICT',
        'the template was changed by someone else since you opened it; reload it and make your change again',
      );
    }
    const row = {
      settings: JSON.stringify(settings),
      version: currentVersion + 1,
      updated_at: input.now,
      updated_by: input.user.userId,
      updated_by_name: input.user.userName || null,
    };
    await trx
      .insertInto('company_settings_templates')
      .values({ company_id: input.companyId, ...row })
      .onConflict((oc) => oc.column('company_id').doUpdateSet(row))
      .execute();
    return { settings, version: row.version, updatedAt: input.now, updatedByName: row.updated_by_name };
  });
}
