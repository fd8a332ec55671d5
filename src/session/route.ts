/**
 * `POST /api/session`: the page's encrypted GHL user context in, a one-hour session token out. The payload has
 * no expiry and no integrity of its own (docs/security.md), so it only names the user and the location; GHL's
 * API confirms the user belongs there and says their role (confirm-user.ts) before a token is signed.
 */
import { Router } from 'express';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { GhlDeps } from '../ghl/deps.js';
import type { Database } from '../db/database.js';
import { AppError } from '../errors.js';
import { addressReader } from '../http/client-address.js';
import { companySession } from './company-session.js';
import { agencyUserConfirmer } from './confirm-agency-user.js';
import { userConfirmer } from './confirm-user.js';
import { findInstalledLocation, type InstalledLocation, listInstalledLocationsOfCompany } from './locations.js';
import { rateLimitByAddress, windowCounter } from './rate-limit.js';
import { signSession } from './token.js';
import { decryptSso, GHL_ID, type SsoUser } from './sso.js';

const SessionBody = z.object({
  payload: z.string().min(1).max(8192),
  locationId: z.string().regex(GHL_ID).optional(),
  // An agency user asking for the agency view rather than a sub-account (company-session.ts).
  scope: z.literal('company').optional(),
});

const NOT_INSTALLED = 'Ringback is not installed in this sub-account; install it from the marketplace first';

/** Per address: one browser signs in once an hour. Per location: a team reloading the page, not a flood. */
export const SIGN_IN_LIMITS = { perAddress: { max: 30, windowMs: 60_000 }, perLocation: { max: 60, windowMs: 60_000 } };

export function sessionRouter(deps: GhlDeps): Router {
  const r = Router();
  const confirm = userConfirmer(deps);
  const confirmAgency = agencyUserConfirmer(deps);
  const perLocation = windowCounter(deps.clock, {
    ...SIGN_IN_LIMITS.perLocation,
    message: 'too many sign-ins to this sub-account; wait a minute',
  });
  const perAddress = rateLimitByAddress(deps.clock, addressReader(deps.config), SIGN_IN_LIMITS.perAddress);
  r.post('/api/session', perAddress, async (req, res) => {
    const body = SessionBody.safeParse(req.body);
    if (!body.success) throw new AppError(400, 'BAD_REQUEST', 'the body must be {"payload": "<encrypted user data>"}');
    const claimed = decryptSso(body.data.payload, deps.config.ghl.sharedSecret);
    if (!claimed) {
      throw new AppError(401, 'SSO_DECRYPT_FAILED', 'the GoHighLevel user data could not be read; reload the page');
    }
    if (body.data.scope === 'company') {
      perLocation(`company:${claimed.companyId}`);
      res.status(200).json(await companySession(deps, confirmAgency, claimed));
      return;
    }
    const picked = await pickLocation(deps.db, claimed, body.data.locationId);
    if ('choices' in picked) {
      res.status(400).json({
        error: {
          code: 'LOCATION_REQUIRED',
          message: 'you opened Ringback as an agency user: choose the sub-account to configure',
          details: [{ path: 'locationId', message: 'choose one of the installed sub-accounts' }],
          choices: picked.choices.map((l) => ({ locationId: l.locationId, name: l.name ?? l.locationId })),
        },
      });
      return;
    }
    const location = picked.location;
    perLocation(location.locationId);
    const user = await confirm(location.locationId, claimed.userId);
    const session = {
      userId: user.userId,
      locationId: location.locationId,
      companyId: location.companyId ?? '',
      role: user.role,
      userName: user.userName,
    };
    const { token, expiresAt } = signSession(session, deps.config.sessionSecret, deps.clock.now());
    res.status(200).json({
      token,
      locationId: location.locationId,
      userId: user.userId,
      role: user.role,
      userName: user.userName,
      locationName: location.name,
      expiresAt: expiresAt.toISOString(),
    });
  });
  return r;
}

type Picked = { location: InstalledLocation } | { choices: InstalledLocation[] };

/**
 * The sub-account of the session: GHL's `activeLocation`, or for an agency user the one they chose among the
 * installed locations of the company they name. Either way GHL then confirms the user with that location's
 * token, which GHL answers only about users of the location's own company.
 */
async function pickLocation(db: Kysely<Database>, user: SsoUser, chosen: string | undefined): Promise<Picked> {
  if (user.activeLocation) {
    const location = await findInstalledLocation(db, user.activeLocation);
    if (!location) throw new AppError(403, 'LOCATION_NOT_INSTALLED', NOT_INSTALLED);
    return { location };
  }
  if (user.type !== 'agency') {
    throw new AppError(
      403,
      'FORBIDDEN',
      'GoHighLevel did not say which sub-account this is; open Ringback from a sub-account',
    );
  }
  // Without a company id (GHL sends "" for some agency owners) there is no way to tell which locations are theirs.
  if (!user.companyId) {
    throw new AppError(403, 'FORBIDDEN', 'open Ringback from inside the sub-account you want to configure');
  }
  const choices = await listInstalledLocationsOfCompany(db, user.companyId);
  if (chosen === undefined) {
    if (choices.length === 0)
      throw new AppError(403, 'LOCATION_NOT_INSTALLED', 'Ringback is not installed in any of your sub-accounts');
    return { choices };
  }
  const location = choices.find((l) => l.locationId === chosen);
  if (!location) throw new AppError(403, 'LOCATION_NOT_INSTALLED', NOT_INSTALLED);
  return { location };
}
