import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import {
  type CompanyInstall,
  endCompany,
  findInstallation,
  type Installation,
  lockCompany,
  lockInstallation,
  markRevoked,
  type SealedTokens,
  storeCompanyTokens,
  storeLocationTokens,
} from './token-store.js';
import type { Logger } from '../logger.js';
import { GhlNotInstalledError, GhlRequestError } from './api.js';
import { openToken, sealToken } from './crypto.js';
import { resealOnRead } from './token-keys.js';
import { createTokenCache } from './token-cache.js';
import { type GhlOAuth, OAuthGrantError, type TokenGrant } from './oauth.js';

/** Refresh a little before expiry so a token never dies between our check and GHL's. */
const EXPIRY_MARGIN_MS = 60_000;

export interface TokenVault {
  /** A valid access token of the location (kept in memory while it is valid: token-cache.ts). */
  locationToken(locationId: string): Promise<string>;
  /**
   * Another token after GHL answered 401 to `rejected`: the row's, when it holds another, else a new one.
   * `issued`: GHL issued it just now (refresh or mint), so a 401 to it is not about the token's age.
   */
  renewLocationToken(locationId: string, rejected: string): Promise<Renewed>;
  /** This instance ended or replaced the location's install: its next call reads the row, with no 401 first. */
  forget(locationId: string): void;
  /** A valid agency token; throws GhlNotInstalledError (with the company id) when there is none. */
  companyToken(companyId: string): Promise<string>;
  /**
   * Gives an installed location without a token one minted from the company token (a location that has a token
   * keeps it). False when the company has no usable token or GHL refuses the location.
   */
  mintFromCompany(locationId: string, companyId: string): Promise<boolean>;
  /** Encrypts a grant for the row of `context` (a location id, or `company:<id>`). */
  seal(grant: TokenGrant, context: string): SealedTokens;
}

export interface VaultDeps {
  db: Kysely<Database>;
  config: Config;
  clock: Clock;
  logger: Logger;
  oauth: GhlOAuth;
}

export const companyContext = (companyId: string) => `company:${companyId}`;

export type Renewed = { token: string; issued: boolean };
type Issued = { token: string; expiresAt: Date; issued: boolean };
type Outcome = Issued | { gone: string };

/**
 * Per-location tokens with refresh single-flight: in process, concurrent callers share one promise per
 * resource; across processes the refresh happens under `select … for update` of the installation row, and the
 * row is re-read after the lock, so a token another process refreshed meanwhile is used as is. Refresh tokens
 * rotate, so spending one twice would burn the install.
 */
export function createTokenVault(deps: VaultDeps): TokenVault {
  const { db, config, clock, oauth } = deps;
  const keys = config.tokenKeys;
  const currentPrefix = `v2:${keys[0]?.id}:`;
  const log = deps.logger.child({ component: 'ghl-tokens' });
  const inflight = new Map<string, Promise<unknown>>();
  const cache = createTokenCache(clock, EXPIRY_MARGIN_MS);

  const seal = (grant: TokenGrant, context: string): SealedTokens => ({
    access_token_enc: sealToken(keys, grant.accessToken, context),
    refresh_token_enc: grant.refreshToken === null ? null : sealToken(keys, grant.refreshToken, context),
    expires_at: new Date(clock.now().getTime() + grant.expiresInSeconds * 1000),
    scope: grant.scope,
  });

  /** The stored access token when it is neither expiring nor the one just rejected. */
  function usable(row: Installation | CompanyInstall, context: string, rejected?: string): string | null {
    if (!row.access_token_enc || !row.expires_at) return null;
    if (row.expires_at.getTime() - clock.now().getTime() <= EXPIRY_MARGIN_MS) return null;
    const token = openToken(keys, row.access_token_enc, context).plaintext;
    return token === rejected ? null : token;
  }

  function singleFlight<T>(id: string, run: () => Promise<T>): Promise<T> {
    const existing = inflight.get(id) as Promise<T> | undefined;
    if (existing) return existing;
    const p = run().finally(() => inflight.delete(id));
    inflight.set(id, p);
    return p;
  }

  /** Inside the caller's transaction (lock order: location row, then company row). Null: no usable token. */
  async function lockedCompanyToken(trx: Kysely<Database>, companyId: string): Promise<string | null> {
    const row = await lockCompany(trx, companyId);
    if (row?.status !== 'installed') return null;
    const ctx = companyContext(companyId);
    const current = usable(row, ctx);
    if (current) return current;
    if (!row.refresh_token_enc) return null;
    try {
      const grant = await oauth.refresh(openToken(keys, row.refresh_token_enc, ctx).plaintext, 'Company');
      await storeCompanyTokens(trx, companyId, seal(grant, ctx), clock.now());
      log.info({ companyId }, 'company token refreshed');
      return grant.accessToken;
    } catch (err) {
      if (!(err instanceof OAuthGrantError)) throw err;
      log.warn({ companyId }, 'company refresh token rejected: company install revoked');
      await endCompany(trx, companyId, 'revoked', clock.now());
      return null;
    }
  }

  /** Mints into the locked row; null when there is no company token or GHL refuses this location. */
  async function mintLocked(trx: Kysely<Database>, locationId: string, companyId: string): Promise<Issued | null> {
    const companyToken = await lockedCompanyToken(trx, companyId);
    if (!companyToken) return null;
    try {
      const grant = await oauth.mintLocationToken(companyToken, companyId, locationId);
      const sealed = seal(grant, locationId);
      await storeLocationTokens(trx, locationId, { ...sealed, user_type: 'Company' }, clock.now());
      log.info({ locationId, companyId }, 'location token minted from company token');
      return { token: grant.accessToken, expiresAt: sealed.expires_at, issued: true };
    } catch (err) {
      if (err instanceof GhlRequestError || err instanceof OAuthGrantError) return null;
      throw err;
    }
  }

  async function refreshLocation(locationId: string, rejected?: string): Promise<Renewed> {
    const outcome = await db.transaction().execute(async (trx): Promise<Outcome> => {
      const row = await lockInstallation(trx, locationId);
      if (row?.status !== 'installed') return { gone: row ? row.status : 'never installed' };
      const current = usable(row, locationId, rejected);
      if (current && row.expires_at) return { token: current, expiresAt: row.expires_at, issued: false };
      if (row.refresh_token_enc) {
        try {
          const grant = await oauth.refresh(openToken(keys, row.refresh_token_enc, locationId).plaintext, 'Location');
          const sealed = seal(grant, locationId);
          await storeLocationTokens(trx, locationId, sealed, clock.now());
          log.info({ locationId }, 'location token refreshed');
          return { token: grant.accessToken, expiresAt: sealed.expires_at, issued: true };
        } catch (err) {
          if (!(err instanceof OAuthGrantError)) throw err;
          log.warn({ locationId }, 'location refresh token rejected');
        }
      }
      const minted = row.company_id ? await mintLocked(trx, locationId, row.company_id) : null;
      if (minted) return minted;
      if (!row.access_token_enc) return { gone: 'token pending: no token yet and no company token to mint one' };
      await markRevoked(trx, locationId, clock.now());
      return { gone: 'GHL rejected the refresh token; the location must install again' };
    });
    if ('gone' in outcome) {
      cache.drop(locationId);
      throw new GhlNotInstalledError(locationId, outcome.gone);
    }
    cache.put(locationId, outcome.token, outcome.expiresAt);
    return { token: outcome.token, issued: outcome.issued };
  }

  /** From the row, refreshing (once per process at a time) when it holds no usable token. */
  async function fromRow(locationId: string, rejected?: string): Promise<Renewed> {
    const row = await findInstallation(db, locationId);
    if (row?.status !== 'installed') {
      throw new GhlNotInstalledError(locationId, row ? row.status : 'never installed');
    }
    const current = usable(row, locationId, rejected);
    // Written with an older key (or before key ids): write it again with the current one (docs/security.md §5).
    if (current && !row.access_token_enc?.startsWith(currentPrefix)) {
      await resealOnRead(db, keys, 'installations', { id: locationId, ...row });
    }
    if (current && row.expires_at) {
      cache.put(locationId, current, row.expires_at);
      return { token: current, issued: false };
    }
    return singleFlight(`location:${locationId}`, () => refreshLocation(locationId, rejected));
  }

  return {
    seal,
    async locationToken(locationId) {
      return cache.get(locationId) ?? (await fromRow(locationId)).token;
    },
    forget: (locationId) => cache.drop(locationId),
    async renewLocationToken(locationId, rejected) {
      // Another caller renewed it first; whether GHL issued that one just now is not known here.
      const hit = cache.get(locationId, rejected);
      return hit ? { token: hit, issued: false } : fromRow(locationId, rejected);
    },
    companyToken(companyId) {
      return singleFlight(`company:${companyId}`, async () => {
        const token = await db.transaction().execute((trx) => lockedCompanyToken(trx, companyId));
        if (!token) throw new GhlNotInstalledError(companyId, 'no usable company token');
        return token;
      });
    },
    async mintFromCompany(locationId, companyId) {
      const token = await db.transaction().execute(async (trx) => {
        const row = await lockInstallation(trx, locationId);
        if (row?.status !== 'installed') return null;
        // The callback (or another INSTALL delivery) stored a token meanwhile: keep it.
        if (row.access_token_enc) return 'present';
        return mintLocked(trx, locationId, companyId);
      });
      return token !== null;
    },
  };
}
