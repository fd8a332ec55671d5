import type { Kysely } from 'kysely';
import type { SealedTokens } from '../ghl/token-store.js';
import type { Database } from '../db/database.js';
import type { TokenUserType } from './tables.js';

type Executor = Kysely<Database>;

/**
 * Marks a location installed, creating its row or reviving an uninstalled/revoked one. Tokens are written only
 * when given: an INSTALL webhook that knows no token must not wipe the one a callback already stored.
 */
export async function upsertInstallation(
  trx: Executor,
  input: { locationId: string; companyId: string | null; userType: TokenUserType; tokens?: SealedTokens },
  now: Date,
): Promise<void> {
  const tokens = input.tokens ?? {};
  await trx
    .insertInto('installations')
    .values({
      location_id: input.locationId,
      company_id: input.companyId,
      user_type: input.userType,
      status: 'installed',
      installed_at: now,
      updated_at: now,
      ...tokens,
    })
    .onConflict((oc) =>
      oc.column('location_id').doUpdateSet((eb) => ({
        company_id: eb.fn.coalesce(eb.val(input.companyId), eb.ref('installations.company_id')),
        // A revived install starts a new tenure; a repeated INSTALL keeps the original time.
        installed_at: eb
          .case()
          .when('installations.status', '=', 'installed')
          .then(eb.ref('installations.installed_at'))
          .else(now)
          .end(),
        uninstalled_at: null,
        status: 'installed',
        updated_at: now,
        ...(input.tokens ? { ...input.tokens, user_type: input.userType } : {}),
      })),
    )
    .execute();
}

export async function setLocationInfo(
  trx: Executor,
  locationId: string,
  info: { name: string | null; timezone: string | null },
  now: Date,
): Promise<void> {
  await trx
    .updateTable('installations')
    .set((eb) => ({
      name: eb.fn.coalesce(eb.val(info.name), eb.ref('name')),
      timezone: eb.fn.coalesce(eb.val(info.timezone), eb.ref('timezone')),
      updated_at: now,
    }))
    .where('location_id', '=', locationId)
    .execute();
}

/** Tokens are deleted at uninstall, not kept "just in case". Returns whether the location was installed. */
export async function markUninstalled(trx: Executor, locationId: string, now: Date): Promise<boolean> {
  const res = await trx
    .updateTable('installations')
    .set({
      status: 'uninstalled',
      access_token_enc: null,
      refresh_token_enc: null,
      expires_at: null,
      uninstalled_at: now,
      updated_at: now,
    })
    .where('location_id', '=', locationId)
    .where('status', '!=', 'uninstalled')
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

/** Locations whose token came from this company's token (bulk install): an agency uninstall ends them too. */
export async function locationsMintedFrom(trx: Executor, companyId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom('installations')
    .select('location_id')
    .where('company_id', '=', companyId)
    .where('user_type', '=', 'Company')
    .where('status', '=', 'installed')
    .execute();
  return rows.map((r) => r.location_id);
}

export async function upsertCompany(trx: Executor, companyId: string, tokens: SealedTokens, now: Date): Promise<void> {
  await trx
    .insertInto('company_installs')
    .values({ company_id: companyId, status: 'installed', installed_at: now, updated_at: now, ...tokens })
    .onConflict((oc) =>
      oc.column('company_id').doUpdateSet({ ...tokens, status: 'installed', uninstalled_at: null, updated_at: now }),
    )
    .execute();
}
