/** `GET/PUT /api/settings`, `GET /api/settings/audit`, `GET /api/lookups`: the settings of the session's location. */
import { type Request, type Response, Router } from 'express';
import type { GhlDeps } from '../ghl/deps.js';
import { AppError } from '../errors.js';
import { requireAdmin, sessionOf } from '../session/auth.js';
import { businessAddress } from '../installations/location-profile.js';
import { a2pCampaign, deliveryWarnings } from './a2p.js';
import { emailAddressProblems } from '../core/settings/email-address.js';
import { locationProblems } from '../installations/problems.js';
import type { LookupCache } from './lookups.js';
import { createDefaultSettings, listAudit, loadSettings, type StoredSettings, saveSettings } from './store.js';
import { validateSettings } from '../core/settings/validate.js';

export function settingsRouter(deps: GhlDeps, lookups: LookupCache): Router {
  const r = Router();

  async function ensureSettings(locationId: string): Promise<StoredSettings> {
    const found = await loadSettings(deps.db, locationId);
    if (found) return found;
    const { calendars } = await lookups.get(locationId);
    await createDefaultSettings(deps.db, locationId, { calendars: calendars ?? [], now: deps.clock.now() });
    const created = await loadSettings(deps.db, locationId);
    if (!created) throw new Error(`settings of ${locationId} vanished after they were created`);
    return created;
  }

  r.get('/api/settings', async (req, res) => {
    sendDocument(res, await ensureSettings(sessionOf(req).locationId));
  });

  r.put('/api/settings', async (req, res) => {
    const session = requireAdmin(req);
    const expectedVersion = ifMatchVersion(req);
    // Fresh: a user added in GHL a moment ago must be assignable now, and saves are rare.
    const { users } = await lookups.get(session.locationId, { fresh: true });
    const result = validateSettings(req.body, users ? { knownUserIds: users.map((u) => u.id) } : {});
    if (!result.ok) {
      const n = result.problems.length;
      throw new AppError(
        400,
        'VALIDATION_FAILED',
        `the settings have ${n} problem${n === 1 ? '' : 's'}; nothing was saved`,
        {
          details: result.problems,
        },
      );
    }
    const addressProblems = emailAddressProblems(result.settings, await businessAddress(deps.db, session.locationId));
    if (addressProblems.length > 0) {
      throw new AppError(
        400,
        'VALIDATION_FAILED',
        'an email step has no postal address (CAN-SPAM); nothing was saved',
        {
          details: addressProblems,
        },
      );
    }
    const saved = await saveSettings(deps.db, {
      locationId: session.locationId,
      expectedVersion,
      settings: result.settings,
      user: { userId: session.userId, userName: session.userName },
      now: deps.clock.now(),
    });
    sendDocument(res, saved);
  });

  r.get('/api/settings/audit', async (req, res) => {
    const entries = await listAudit(deps.db, sessionOf(req).locationId, 20);
    res.json({
      entries: entries.map((e) => ({
        version: e.version,
        changedBy: e.changedBy,
        changedByName: e.changedByName,
        changedAt: e.changedAt.toISOString(),
        changed: changedKeys(e.before, e.after),
        via: e.via,
      })),
    });
  });

  r.get('/api/lookups', async (req, res) => {
    const { locationId } = sessionOf(req);
    const [found, stored, delivery, install, address] = await Promise.all([
      lookups.get(locationId),
      ensureSettings(locationId),
      deliveryWarnings(deps.db, locationId),
      deps.db.selectFrom('installations').select('name').where('location_id', '=', locationId).executeTakeFirst(),
      businessAddress(deps.db, locationId),
    ]);
    // Read after the lookups: a scope GHL refused them is recorded by then.
    const problems = await locationProblems(deps.db, locationId);
    const mapped = new Map(stored.settings.sources.map((s) => [s.trackingNumber, s.tag]));
    const warnings = [...problems.map((p) => p.message), ...found.warnings, ...delivery.map((w) => w.message)];
    if (found.numbers) {
      const unmapped = found.numbers.filter((n) => !mapped.has(n.phoneNumber)).length;
      if (unmapped > 0)
        warnings.push(
          `${unmapped} of the sub-account's phone numbers ${unmapped === 1 ? 'has' : 'have'} no source mapped`,
        );
      const own = new Set(found.numbers.map((n) => n.phoneNumber));
      for (const number of mapped.keys()) {
        if (!own.has(number)) warnings.push(`${number} is mapped to a source but is not a number of this sub-account`);
      }
    }
    res.json({
      users: (found.users ?? []).map((u) => ({ id: u.id, name: u.name, email: u.email ?? null })),
      numbers: (found.numbers ?? []).map((n) => ({
        phoneNumber: n.phoneNumber,
        friendlyName: n.friendlyName ?? null,
        mapped: mapped.has(n.phoneNumber),
        source: mapped.get(n.phoneNumber) ?? null,
      })),
      calendars: (found.calendars ?? []).map((c) => ({ id: c.id, name: c.name, isActive: c.isActive ?? true })),
      warnings,
      deliveryWarnings: delivery,
      // What the owner must fix in GHL (a scope the install lacks); also among the warnings.
      problems,
      a2pCampaign: a2pCampaign(stored.settings, install?.name ?? null),
      // What {{business.address}} becomes in an email (GHL's business profile); null: the page warns (CAN-SPAM).
      businessAddress: address?.trim() ? address : null,
    });
  });

  return r;
}

/**
 * The document itself, exactly what PUT takes, so a client can GET, edit and PUT it back (docs/design.md §3); its
 * version goes in `ETag` (what If-Match names) and its last change in `Last-Modified`. Who changed it is
 * `GET /api/settings/audit`.
 */
function sendDocument(res: Response, stored: StoredSettings): void {
  res.setHeader('ETag', `"${stored.version}"`);
  res.setHeader('Last-Modified', stored.updatedAt.toUTCString());
  res.json(stored.settings);
}

/** `If-Match: "3"`, `3` or `W/"3"`: the version the client edited. */
function ifMatchVersion(req: Request): number {
  const header = req.headers['if-match'];
  if (header === undefined || header.trim() === '' || header.trim() === '*') {
    throw new AppError(
      428,
      'PRECONDITION_REQUIRED',
      "send If-Match with the version you edited (the ETag of GET /api/settings), so no one else's change is overwritten",
    );
  }
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header.trim());
  if (!match) throw new AppError(400, 'BAD_REQUEST', 'If-Match must be the settings version, such as "3"');
  return Number(match[1]);
}

/** Top-level settings whose value differs between two versions: what the audit list shows. */
function changedKeys(before: unknown, after: unknown): string[] {
  const a = isObject(before) ? before : {};
  const b = isObject(after) ? after : {};
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
