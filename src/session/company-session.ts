/**
 * Agency-level sessions (docs/design.md, `POST /api/session` with `"scope": "company"`): an agency user who
 * opened Ringback outside any sub-account gets a one-hour token for their company, confirmed through GHL
 * (confirm-agency-user.ts). It is signed for its own audience, so it opens no sub-account's /api routes, and a
 * sub-account's token opens none of the agency's.
 */
import type { Request, RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import { AppError } from '../errors.js';
import type { AgencyUser, AgencyUserConfirmer } from './confirm-agency-user.js';
import { listInstalledLocationsOfCompany } from './locations.js';
import { signToken, verifySession, verifyToken } from './token.js';
import type { SsoUser } from './sso.js';

export const COMPANY_AUDIENCE = 'ringback-agency';

const Claims = z.object({
  sub: z.string().min(1),
  companyId: z.string().min(1),
  iat: z.number().int(),
  exp: z.number().int(),
});

/** The body of a company session: `{ token, companyId, userId, role }` and what the page shows. */
export async function companySession(
  deps: { db: Kysely<Database>; clock: Clock; config: { sessionSecret: string } },
  confirm: AgencyUserConfirmer,
  claimed: SsoUser,
): Promise<Record<string, unknown>> {
  // GHL sends "" for some agency owners (docs/ghl-platform.md §8): then no company can be named, let alone confirmed.
  if (!claimed.companyId) {
    throw new AppError(
      403,
      'FORBIDDEN',
      'GoHighLevel did not say which agency you belong to; open Ringback from a sub-account',
    );
  }
  const user = await confirm(claimed.companyId, claimed.userId);
  const { token, expiresAt } = signToken(
    { companyId: user.companyId },
    { subject: user.userId, audience: COMPANY_AUDIENCE },
    deps.config.sessionSecret,
    deps.clock.now(),
  );
  return {
    token,
    scope: 'company',
    companyId: user.companyId,
    userId: user.userId,
    role: user.role,
    userName: user.userName,
    expiresAt: expiresAt.toISOString(),
  };
}

const sessions = new WeakMap<Request, AgencyUser>();

export function agencyOf(req: Request): AgencyUser {
  const user = sessions.get(req);
  if (!user) throw new AppError(401, 'UNAUTHORIZED', 'sign in through the agency view first');
  return user;
}

/** Changing the template or copying settings is for the agency's admins. */
export function requireAgencyAdmin(req: Request): AgencyUser {
  const user = agencyOf(req);
  if (user.role !== 'admin') {
    throw new AppError(403, 'FORBIDDEN', 'only an admin of your agency can change settings of its sub-accounts');
  }
  return user;
}

/**
 * A company token in `Authorization: Bearer`; a sub-account's token is 403. GHL's answer about the user is asked
 * again through the confirmer (kept for an hour), so a user removed or restricted in GHL loses access with it.
 */
export function requireCompanySession(deps: {
  config: { sessionSecret: string };
  clock: Clock;
  confirm: AgencyUserConfirmer;
}): RequestHandler {
  return async (req, _res, next) => {
    const match = /^Bearer\s+([A-Za-z0-9_.-]+)$/i.exec((req.headers.authorization ?? '').trim());
    if (!match?.[1]) {
      throw new AppError(401, 'UNAUTHORIZED', 'an Authorization: Bearer <session token> header is required');
    }
    const token = match[1];
    const now = deps.clock.now();
    if (isLocationToken(token, deps.config.sessionSecret, now)) {
      throw new AppError(403, 'FORBIDDEN', 'this is a sub-account session; open Ringback from the agency view');
    }
    const claims = verifyToken(token, COMPANY_AUDIENCE, Claims, deps.config.sessionSecret, now);
    sessions.set(req, await deps.confirm(claims.companyId, claims.sub));
    next();
  };
}

function isLocationToken(token: string, secret: string, now: Date): boolean {
  try {
    verifySession(token, secret, now);
    return true;
  } catch {
    return false;
  }
}

/** The company's installed sub-accounts this agency user may see (all, or those GHL restricts them to). */
export async function visibleLocations(db: Kysely<Database>, user: AgencyUser) {
  const all = await listInstalledLocationsOfCompany(db, user.companyId);
  return user.locationIds === null ? all : all.filter((l) => user.locationIds?.includes(l.locationId));
}
