/**
 * `GET /api/settings/audit/:version` (the document as a version saved it) and `GET /api/settings/defaults` (a new
 * install's document for this location): what the page's "restore" and "reset to defaults" load into the editor.
 * Neither writes: the owner saves through `PUT /api/settings`, admin-only and audited like any change.
 */
import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { AppError } from '../errors.js';
import { sessionOf } from '../session/auth.js';
import { bookingLinkOf } from './booking-link.js';
import type { LookupCache } from './lookups.js';
import { defaultSettings, settingsSchema } from '../core/settings/schema.js';

export function historyRouter(deps: { db: Kysely<Database> }, lookups: LookupCache): Router {
  const r = Router();

  r.get('/api/settings/audit/:version', async (req, res) => {
    const { locationId } = sessionOf(req);
    const version = Number(req.params['version']);
    if (!Number.isInteger(version) || version < 1 || version > 1e9) {
      throw new AppError(400, 'BAD_REQUEST', 'the version must be a whole number, such as 3');
    }
    const row = await deps.db
      .selectFrom('settings_audit')
      .select(['version', 'changed_by_name', 'changed_at', 'after'])
      .where('location_id', '=', locationId)
      .where('version', '=', version)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!row) throw new AppError(404, 'NOT_FOUND', `this sub-account has no saved version ${version}`);
    // Parsed as GET parses the current document, so fields added since that version get their defaults.
    const parsed = settingsSchema.safeParse(row.after);
    res.json({
      version: row.version,
      changedByName: row.changed_by_name,
      changedAt: row.changed_at.toISOString(),
      settings: parsed.success ? parsed.data : row.after,
    });
  });

  r.get('/api/settings/defaults', async (req, res) => {
    const { locationId } = sessionOf(req);
    const { calendars } = await lookups.get(locationId);
    res.json(defaultSettings({ bookingLink: bookingLinkOf(calendars ?? [], null) }));
  });

  return r;
}
