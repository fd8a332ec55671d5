import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { GhlNotInstalledError } from '../ghl/api.js';
import type { GhlAuth } from '../ghl/client.js';
import type { Logger } from '../logger.js';

/**
 * The agency a location belongs to when its INSTALL does not say: a sub-account created after its agency
 * installed the app for all future sub-accounts gets an INSTALL without companyId, and no OAuth callback
 * (docs/ghl-oauth.md, future locations). Each company token held is asked whether it sees the location
 * installed (`GET /oauth/installedLocations?locationId=`); null when none does, or none is held yet.
 */
export async function findCompanyOf(
  deps: { db: Kysely<Database>; ghlAuth: GhlAuth; logger: Logger },
  locationId: string,
): Promise<string | null> {
  const companies = await deps.db
    .selectFrom('company_installs')
    .select('company_id')
    .where('status', '=', 'installed')
    .orderBy('installed_at', 'desc')
    .execute();
  for (const { company_id: companyId } of companies) {
    let token: string;
    try {
      token = await deps.ghlAuth.vault.companyToken(companyId);
    } catch (err) {
      if (err instanceof GhlNotInstalledError) continue;
      throw err;
    }
    const listed = await deps.ghlAuth.oauth.installedLocations(token, companyId, { locationId });
    if (listed.some((l) => l.id === locationId)) return companyId;
  }
  deps.logger.info({ locationId, companies: companies.length }, 'no company token held sees this location');
  return null;
}
