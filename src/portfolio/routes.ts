/**
 * The agency view's API (docs/design.md, agency portfolio), under a company session only: `GET /api/portfolio`,
 * `GET`/`PUT /api/portfolio/template`, `POST /api/portfolio/copy`. Every sub-account named or shown is one of
 * the company's installed sub-accounts that GHL lets this agency user see; writes are for agency admins.
 */
import express, { type Request, Router } from 'express';
import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import { AppError } from '../errors.js';
import type { GhlApi } from '../ghl/api.js';
import type { GhlAuth } from '../ghl/client.js';
import type { Logger } from '../logger.js';
import type { LinkProbe } from '../reporting/link-probe.js';
import { agencyOf, requireAgencyAdmin, requireCompanySession, visibleLocations } from '../session/company-session.js';
import { loadTemplate, type StoredTemplate, saveTemplate } from '../settings/company-template.js';
import { agencyUserConfirmer } from '../session/confirm-agency-user.js';
import { defaultSettings } from '../core/settings/schema.js';
import { sharedPart } from '../settings/shared-fields.js';
import { GHL_ID } from '../session/sso.js';
import { loadSettings } from '../settings/store.js';
import { validateSettings } from '../core/settings/validate.js';
import { numbersChecker } from './checks.js';
import { copySettings } from './copy.js';
import { computePortfolio } from './portfolio.js';

const FromBody = z.strictObject({ locationId: z.string().regex(GHL_ID) });

const CopyBody = z.strictObject({
  locationIds: z.array(z.string().regex(GHL_ID)).min(1).max(500),
  /** The sub-account to copy from; without it, the agency's template. */
  fromLocationId: z.string().regex(GHL_ID).optional(),
});

/** What the agency view needs of the app (a subset of its dependencies). */
export interface PortfolioDeps {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  config: { sessionSecret: string };
  ghl?: GhlApi;
  ghlAuth?: GhlAuth;
  linkProbe?: LinkProbe;
}

export function portfolioRouter(deps: PortfolioDeps): Router {
  const r = Router();
  const numbersOf = numbersChecker(deps);
  r.use('/api/portfolio', express.json({ limit: '1mb' }));
  r.use('/api/portfolio', requireCompanySession({ ...deps, confirm: agencyUserConfirmer(deps) }));

  r.get('/api/portfolio', async (req, res) => {
    const days = daysParam(req.query['days']);
    const locations = await visibleLocations(deps.db, agencyOf(req));
    // The booking link probe is read per request: tests and the demo set their own after the app is built.
    const setup = { db: deps.db, clock: deps.clock, ghl: deps.ghl, probe: deps.linkProbe };
    res.json(await computePortfolio(setup, { locations, days, now: deps.clock.now(), numbersOf }));
  });

  r.get('/api/portfolio/template', async (req, res) => {
    const template = await loadTemplate(deps.db, agencyOf(req).companyId);
    res.setHeader('ETag', `"${template?.version ?? 0}"`);
    res.json({
      settings: template?.settings ?? sharedPart(defaultSettings()),
      version: template?.version ?? 0,
      updatedAt: template?.updatedAt.toISOString() ?? null,
      updatedByName: template?.updatedByName ?? null,
    });
  });

  r.put('/api/portfolio/template', async (req, res) => {
    const user = requireAgencyAdmin(req);
    const checked = validateSettings(req.body);
    if (!checked.ok) {
      const n = checked.problems.length;
      throw new AppError(
        400,
        'VALIDATION_FAILED',
        `the template has ${n} problem${n === 1 ? '' : 's'}; nothing was saved`,
        {
          details: checked.problems,
        },
      );
    }
    const saved = await saveTemplate(deps.db, {
      companyId: user.companyId,
      expectedVersion: ifMatch(req),
      settings: checked.settings,
      user,
      now: deps.clock.now(),
    });
    res.setHeader('ETag', `"${saved.version}"`);
    res.json(templateBody(saved));
  });

  // The template taken from one sub-account the agency has set up well (its local fields left out).
  r.post('/api/portfolio/template/from-location', async (req, res) => {
    const user = requireAgencyAdmin(req);
    const body = FromBody.safeParse(req.body);
    if (!body.success) throw new AppError(400, 'BAD_REQUEST', 'the body must be {"locationId": "..."}');
    const visible = await visibleLocations(deps.db, user);
    if (!visible.some((l) => l.locationId === body.data.locationId)) {
      throw new AppError(403, 'FORBIDDEN', 'that sub-account is not one of your agency’s sub-accounts with Ringback');
    }
    const source = await loadSettings(deps.db, body.data.locationId);
    if (!source) throw new AppError(409, 'CONFLICT', 'that sub-account has no settings yet');
    const saved = await saveTemplate(deps.db, {
      companyId: user.companyId,
      expectedVersion: ifMatch(req),
      settings: source.settings,
      user,
      now: deps.clock.now(),
    });
    res.setHeader('ETag', `"${saved.version}"`);
    res.json(templateBody(saved));
  });

  r.post('/api/portfolio/copy', async (req, res) => {
    const user = requireAgencyAdmin(req);
    const body = CopyBody.safeParse(req.body);
    if (!body.success) {
      throw new AppError(400, 'BAD_REQUEST', 'the body must be {"locationIds": [...], "fromLocationId"?: "..."}');
    }
    const visible = new Map((await visibleLocations(deps.db, user)).map((l) => [l.locationId, l]));
    const named = [...new Set(body.data.locationIds)];
    if (body.data.fromLocationId) named.push(body.data.fromLocationId);
    // Refused whole, before anything is written: one sub-account that is not the agency's is no partial success.
    if (named.some((id) => !visible.has(id))) {
      throw new AppError(
        403,
        'FORBIDDEN',
        'a chosen sub-account is not one of your agency’s sub-accounts with Ringback',
      );
    }
    const from = body.data.fromLocationId;
    const source = from
      ? (await loadSettings(deps.db, from))?.settings
      : (await loadTemplate(deps.db, user.companyId))?.settings;
    if (!source) {
      throw new AppError(
        409,
        'CONFLICT',
        from ? 'that sub-account has no settings yet' : 'save the agency template first',
      );
    }
    const targets = [...new Set(body.data.locationIds)]
      .filter((id) => id !== from)
      .flatMap((id) => visible.get(id) ?? []);
    const via = from ? `copied from ${visible.get(from)?.name ?? 'another sub-account'}` : 'agency template';
    const results = await copySettings(deps.db, { source, via, targets, user, now: deps.clock.now() });
    res.json({ results });
  });

  return r;
}

function templateBody(t: StoredTemplate) {
  return {
    settings: t.settings,
    version: t.version,
    updatedAt: t.updatedAt.toISOString(),
    updatedByName: t.updatedByName,
  };
}

/** `If-Match: "3"` (the template's ETag; `"0"` before the first save). */
function ifMatch(req: Request): number {
  const header = req.headers['if-match']?.trim();
  if (!header || header === '*') {
    throw new AppError(428, 'PRECONDITION_REQUIRED', 'send If-Match with the template version you edited (its ETag)');
  }
  const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(header);
  if (!match) throw new AppError(400, 'BAD_REQUEST', 'If-Match must be the template version, such as "3"');
  return Number(match[1]);
}

/** `?days=`: 1 to 90, 7 when absent (the page asks for 7 and 30). */
function daysParam(raw: unknown): number {
  if (raw === undefined || raw === '') return 7;
  const days = typeof raw === 'string' && /^\d{1,2}$/.test(raw) ? Number(raw) : 0;
  if (days < 1 || days > 90) {
    throw new AppError(400, 'BAD_REQUEST', 'days must be a whole number from 1 to 90', {
      details: [{ path: 'days', message: 'must be a whole number from 1 to 90' }],
    });
  }
  return days;
}
