import type { Clock } from '../clock.js';
import { secret } from './ids.js';
import type { TokenKind, TokenResponse } from './types.js';

/** Who a token, code or refresh token speaks for. */
export interface Grant {
  kind: TokenKind;
  companyId: string;
  /** Set for Location grants only. */
  locationId?: string;
  userId: string;
  scope: string;
  /** Company grants: the locations the agency approved (bulk install). */
  approvedLocations: string[];
}

export interface AccessGrant extends Grant {
  expiresAtMs: number;
  revoked: boolean;
}

interface RefreshGrant extends Grant {
  used: boolean;
  revoked: boolean;
  /** The access token issued with it. */
  access: string;
}

interface AuthCode extends Grant {
  redirectUri: string;
  used: boolean;
}

export function resourceOf(g: Grant): string {
  return g.locationId ?? g.companyId;
}

function touches(g: Grant, resourceId: string): boolean {
  return resourceOf(g) === resourceId || (g.kind === 'Location' && g.companyId === resourceId);
}

/**
 * OAuth bookkeeping. Refresh tokens rotate and are single-use, as GHL's FAQ implies: the app must serialise
 * refreshes or it burns the install, and a used token answers invalid_grant so that bug shows up in tests.
 */
export class TokenStore {
  readonly #codes = new Map<string, AuthCode>();
  readonly #access = new Map<string, AccessGrant>();
  readonly #refresh = new Map<string, RefreshGrant>();

  constructor(
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
    private readonly appId: string,
    /** Whether a refresh ends the access token issued with the refresh token (GHL does not say: docs/ghl-oauth.md §8). */
    private readonly refreshRevokesAccess = false,
  ) {}

  createCode(grant: Grant, redirectUri: string): string {
    const code = secret('code');
    this.#codes.set(code, { ...grant, redirectUri, used: false });
    return code;
  }

  /** Single use: a second exchange of the same code fails. */
  exchangeCode(code: string, redirectUri: string | undefined): Grant | undefined {
    const c = this.#codes.get(code);
    if (!c || c.used) return undefined;
    if (redirectUri !== undefined && redirectUri !== c.redirectUri) return undefined;
    c.used = true;
    const { redirectUri: _r, used: _u, ...grant } = c;
    return grant;
  }

  issue(grant: Grant): TokenResponse {
    const access = secret('at');
    const refresh = secret('rt');
    const ttlMs = this.ttlSeconds * 1000;
    this.#access.set(access, { ...grant, expiresAtMs: this.clock.now().getTime() + ttlMs, revoked: false });
    this.#refresh.set(refresh, { ...grant, used: false, revoked: false, access });
    const base: TokenResponse = {
      access_token: access,
      token_type: 'Bearer',
      expires_in: this.ttlSeconds,
      refresh_token: refresh,
      scope: grant.scope,
      userType: grant.kind,
      companyId: grant.companyId,
      userId: grant.userId,
      appId: this.appId,
      versionId: `${this.appId}_v1`,
    };
    if (grant.kind === 'Location') return { ...base, locationId: grant.locationId, isBulkInstallation: false };
    return {
      ...base,
      approvedLocations: grant.approvedLocations,
      isBulkInstallation: true,
      installToFutureLocations: false,
      approveAllLocations: false,
    };
  }

  /** Rotates: the old refresh token is spent whether or not the caller stores the new one. */
  refresh(refreshToken: string): TokenResponse | undefined {
    const r = this.#refresh.get(refreshToken);
    if (!r || r.used || r.revoked) return undefined;
    r.used = true;
    const previous = this.#access.get(r.access);
    if (previous && this.refreshRevokesAccess) previous.revoked = true;
    const { used: _u, revoked: _r, access: _a, ...grant } = r;
    return this.issue(grant);
  }

  /** The grant of a live token, 'expired', or undefined for a token never issued or revoked. */
  verify(accessToken: string): AccessGrant | 'expired' | undefined {
    const a = this.#access.get(accessToken);
    if (!a || a.revoked) return undefined;
    return this.clock.now().getTime() >= a.expiresAtMs ? 'expired' : a;
  }

  /** Access tokens of the resource (a location, or a company and its locations) expire now; all when omitted. */
  expire(resourceId?: string): void {
    const now = this.clock.now().getTime();
    for (const a of this.#access.values()) {
      if (resourceId === undefined || touches(a, resourceId)) a.expiresAtMs = Math.min(a.expiresAtMs, now);
    }
  }

  /** Access and refresh tokens of the resource stop working (uninstall). */
  revoke(resourceId: string): void {
    for (const a of this.#access.values()) if (resourceOf(a) === resourceId) a.revoked = true;
    for (const r of this.#refresh.values()) if (resourceOf(r) === resourceId) r.revoked = true;
  }
}
