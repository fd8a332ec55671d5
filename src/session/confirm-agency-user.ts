/**
 * Who an agency user is in their company, from GHL and never from the SSO payload alone (docs/security.md §2,
 * docs/ghl-platform.md §7). With the agency's own token (a bulk install): `GET /users/search?companyId=&ids=`,
 * which GHL answers only for the token's company. Without one (sub-accounts installed one by one):
 * `GET /users/{userId}` with the token of one of the company's installed sub-accounts, which GHL answers only
 * about users of that sub-account's company. Either way the user must be an agency user (`roles.type`), not
 * deleted, with a role. The answer is kept for a session's hour.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import { AppError } from '../errors.js';
import type { GhlApi, GhlUserAccess } from '../ghl/api.js';
import type { GhlAuth } from '../ghl/client.js';
import { askGhlForUser, cachedConfirm } from './confirm-with-ghl.js';
import { listInstalledLocationsOfCompany } from './locations.js';

export interface AgencyUser {
  userId: string;
  companyId: string;
  role: 'admin' | 'user';
  userName: string;
  /** The sub-accounts an agency user restricted to some may see; null: every sub-account of the company. */
  locationIds: string[] | null;
}

const NOT_CONFIRMED = 'GoHighLevel does not list you as a user of this agency; open Ringback from inside GoHighLevel';

export function agencyUserConfirmer(deps: { db: Kysely<Database>; ghl?: GhlApi; ghlAuth?: GhlAuth; clock: Clock }) {
  /** GHL's record of the user, or null when the company's GHL does not list them. */
  async function ask(companyId: string, userId: string): Promise<GhlUserAccess | null> {
    const auth = deps.ghlAuth;
    if (auth) {
      const held = await deps.db
        .selectFrom('company_installs')
        .select('company_id')
        .where('company_id', '=', companyId)
        .where('status', '=', 'installed')
        .executeTakeFirst();
      if (held) return auth.oauth.companyUser(await auth.vault.companyToken(companyId), companyId, userId);
    }
    const [location] = await listInstalledLocationsOfCompany(deps.db, companyId);
    if (!location || !deps.ghl)
      throw new AppError(403, 'LOCATION_NOT_INSTALLED', 'Ringback is not installed in any of your sub-accounts');
    return deps.ghl.getUser(location.locationId, userId);
  }

  return cachedConfirm(deps.clock, async (companyId, userId): Promise<AgencyUser> => {
    const found = await askGhlForUser(() => ask(companyId, userId));
    if (!found || found.id !== userId || found.deleted || found.role === null || found.type !== 'agency') {
      throw new AppError(403, 'USER_NOT_CONFIRMED', NOT_CONFIRMED);
    }
    return {
      userId,
      companyId,
      role: found.role === 'admin' ? 'admin' : 'user',
      userName: found.name,
      // Restricted unless GHL says plainly that the user is not (`restrictSubAccount: false`).
      locationIds: found.restrictSubAccount === false ? null : found.locationIds,
    };
  });
}

export type AgencyUserConfirmer = ReturnType<typeof agencyUserConfirmer>;
