import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { CompanyInstallsTable, InstallationsTable, TokenUserType } from './tables.js';

type Executor = Kysely<Database>;
export type Installation = Selectable<InstallationsTable>;
export type CompanyInstall = Selectable<CompanyInstallsTable>;

/** Encrypted token columns, written together. */
export interface SealedTokens {
  access_token_enc: string;
  refresh_token_enc: string | null;
  expires_at: Date;
  scope: string | null;
}

export async function findInstallation(db: Executor, locationId: string): Promise<Installation | undefined> {
  return db.selectFrom('installations').selectAll().where('location_id', '=', locationId).executeTakeFirst();
}

/** The row lock that serialises token refreshes of a location across processes. */
export async function lockInstallation(trx: Executor, locationId: string): Promise<Installation | undefined> {
  return trx
    .selectFrom('installations')
    .selectAll()
    .where('location_id', '=', locationId)
    .forUpdate()
    .executeTakeFirst();
}

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

export async function storeLocationTokens(
  trx: Executor,
  locationId: string,
  tokens: SealedTokens & { user_type?: TokenUserType },
  now: Date,
): Promise<void> {
  await trx
    .updateTable('installations')
    .set({ ...tokens, updated_at: now })
    .where('location_id', '=', locationId)
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

/** GHL refused the refresh token: the install is unusable until the location installs again. */
export async function markRevoked(trx: Executor, locationId: string, now: Date): Promise<void> {
  await trx
    .updateTable('installations')
    .set({ status: 'revoked', access_token_enc: null, refresh_token_enc: null, expires_at: null, updated_at: now })
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

export async function lockCompany(trx: Executor, companyId: string): Promise<CompanyInstall | undefined> {
  return trx
    .selectFrom('company_installs')
    .selectAll()
    .where('company_id', '=', companyId)
    .forUpdate()
    .executeTakeFirst();
}

export async function findCompany(db: Executor, companyId: string): Promise<CompanyInstall | undefined> {
  return db.selectFrom('company_installs').selectAll().where('company_id', '=', companyId).executeTakeFirst();
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

export async function storeCompanyTokens(trx: Executor, companyId: string, tokens: SealedTokens, now: Date) {
  await trx
    .updateTable('company_installs')
    .set({ ...tokens, updated_at: now })
    .where('company_id', '=', companyId)
    .execute();
}

export async function endCompany(
  trx: Executor,
  companyId: string,
  status: 'uninstalled' | 'revoked',
  now: Date,
): Promise<void> {
  await trx
    .updateTable('company_installs')
    .set({
      status,
      access_token_enc: null,
      refresh_token_enc: null,
      expires_at: null,
      uninstalled_at: status === 'uninstalled' ? now : undefined,
      updated_at: now,
    })
    .where('company_id', '=', companyId)
    .execute();
}
