import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { CompanyInstallsTable, InstallationsTable, TokenUserType } from '../installations/tables.js';

/**
 * Where the token vault (tokens.ts) keeps its tokens: the token columns of the installations and
 * company_installs rows. The install lifecycle itself (install, uninstall) is src/installations/queries.ts.
 */

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

/** GHL refused the refresh token: the install is unusable until the location installs again. */
export async function markRevoked(trx: Executor, locationId: string, now: Date): Promise<void> {
  await trx
    .updateTable('installations')
    .set({ status: 'revoked', access_token_enc: null, refresh_token_enc: null, expires_at: null, updated_at: now })
    .where('location_id', '=', locationId)
    .execute();
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
