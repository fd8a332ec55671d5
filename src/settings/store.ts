/**
 * The settings row of a location: created with the defaults on install (or on first read), replaced whole by
 * PUT under optimistic concurrency, every change audited in the same transaction.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';
import { AppError } from '../errors.js';
import type { GhlCalendar } from '../ghl/api.js';
import { bookingLinkOf } from './booking-link.js';
import { loadTemplate } from './company-template.js';
import { defaultSettings, type Settings, settingsSchema } from '../core/settings/schema.js';
import { withLocalFields } from './shared-fields.js';

/** The audit's `via` of a sub-account whose first settings came from its agency's template. */
export const VIA_TEMPLATE = 'agency template';

export interface StoredSettings {
  settings: Settings;
  version: number;
  updatedAt: Date;
  updatedBy: string | null;
  updatedByName: string | null;
}

/**
 * The install hook's call: the default settings unless the location already has some (a reinstall keeps what
 * the owner configured), or, when its agency keeps a template, the template with the location's own local
 * fields (an audited change "via agency template"). Idempotent; returns whether a row was created.
 */
export async function createDefaultSettings(
  trx: Kysely<Database>,
  locationId: string,
  info: {
    calendars: readonly GhlCalendar[];
    whiteLabelDomain?: string | null;
    companyId?: string | null;
    now?: Date;
  },
): Promise<boolean> {
  const defaults = defaultSettings({ bookingLink: bookingLinkOf(info.calendars, info.whiteLabelDomain ?? null) });
  const template = info.companyId ? await loadTemplate(trx, info.companyId) : null;
  const settings = template ? withLocalFields(template.settings, defaults) : defaults;
  const result = await trx
    .insertInto('location_settings')
    .values({
      location_id: locationId,
      settings: JSON.stringify(settings),
      version: 1,
      updated_at: info.now ?? sql<Date>`now()`,
      updated_by: null,
    })
    .onConflict((oc) => oc.column('location_id').doNothing())
    .executeTakeFirst();
  const created = Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
  if (created && template) {
    await trx
      .insertInto('settings_audit')
      .values({
        location_id: locationId,
        version: 1,
        changed_by: null,
        changed_by_name: template.updatedByName,
        changed_at: info.now ?? sql<Date>`now()`,
        before: null,
        after: JSON.stringify(settings),
        via: VIA_TEMPLATE,
      })
      .execute();
  }
  return created;
}

export async function loadSettings(db: Kysely<Database>, locationId: string): Promise<StoredSettings | null> {
  const row = await db
    .selectFrom('location_settings as s')
    .select(['s.settings', 's.version', 's.updated_at', 's.updated_by'])
    .select((eb) =>
      eb
        .selectFrom('settings_audit as a')
        .select('a.changed_by_name')
        .whereRef('a.location_id', '=', 's.location_id')
        .whereRef('a.version', '=', 's.version')
        .limit(1)
        .as('updated_by_name'),
    )
    .where('s.location_id', '=', locationId)
    .executeTakeFirst();
  if (!row) return null;
  // A document saved before a field existed gets that field's default (a step's `purpose`, `consent`), so GET
  // answers what the engine applies; one that no longer parses is answered as stored, for the owner to fix.
  const parsed = settingsSchema.safeParse(row.settings);
  return {
    settings: parsed.success ? parsed.data : (row.settings as Settings),
    version: row.version,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
    updatedByName: row.updated_by_name ?? null,
  };
}

export interface SaveInput {
  locationId: string;
  expectedVersion: number;
  settings: Settings;
  user: { userId: string; userName: string };
  now: Date;
  /** Where the change came from when not the sub-account's own page (an agency's copy); the audit keeps it. */
  via?: string;
}

/** Replaces the document when its version is still `expectedVersion`; 409 VERSION_CONFLICT otherwise. */
export async function saveSettings(db: Kysely<Database>, input: SaveInput): Promise<StoredSettings> {
  return db.transaction().execute(async (trx) => {
    const current = await trx
      .selectFrom('location_settings')
      .select(['settings', 'version'])
      .where('location_id', '=', input.locationId)
      .forUpdate()
      .executeTakeFirst();
    const currentVersion = current?.version ?? 0;
    if (currentVersion !== input.expectedVersion) {
      throw new AppError(
        409,
        'VERSION_CONFLICT',
        `the settings were changed by someone else (now version ${currentVersion}, you edited version ${input.expectedVersion}); reload them and make your change again`,
      );
    }
    const version = currentVersion + 1;
    const after = JSON.stringify(input.settings);
    await trx
      .insertInto('location_settings')
      .values({
        location_id: input.locationId,
        settings: after,
        version,
        updated_at: input.now,
        updated_by: input.user.userId,
      })
      .onConflict((oc) =>
        oc
          .column('location_id')
          .doUpdateSet({ settings: after, version, updated_at: input.now, updated_by: input.user.userId }),
      )
      .execute();
    await trx
      .insertInto('settings_audit')
      .values({
        location_id: input.locationId,
        version,
        changed_by: input.user.userId,
        changed_by_name: input.user.userName || null,
        changed_at: input.now,
        before: current ? JSON.stringify(current.settings) : null,
        after,
        via: input.via ?? null,
      })
      .execute();
    return {
      settings: input.settings,
      version,
      updatedAt: input.now,
      updatedBy: input.user.userId,
      updatedByName: input.user.userName || null,
    };
  });
}

export interface AuditEntry {
  version: number;
  changedBy: string | null;
  changedByName: string | null;
  changedAt: Date;
  before: unknown;
  after: unknown;
  via: string | null;
}

export async function listAudit(db: Kysely<Database>, locationId: string, limit: number): Promise<AuditEntry[]> {
  const rows = await db
    .selectFrom('settings_audit')
    .select(['version', 'changed_by', 'changed_by_name', 'changed_at', 'before', 'after', 'via'])
    .where('location_id', '=', locationId)
    .orderBy('changed_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    version: r.version,
    changedBy: r.changed_by,
    changedByName: r.changed_by_name,
    changedAt: r.changed_at,
    before: r.before,
    after: r.after,
    via: r.via,
  }));
}
