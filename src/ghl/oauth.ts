import axios, { type AxiosResponse } from 'axios';
import { z } from 'zod';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { TokenUserType } from '../installations/tables.js';
import { GhlRequestError, GhlUnavailableError, type GhlUserAccess } from './api.js';
import { rateLimitedError } from './rate-limit.js';
import { UserAnswer } from './schemas.js';

/** A token answer of `/oauth/token` or `/oauth/locationToken` (docs/ghl-platform.md §4), in our names. */
export interface TokenGrant {
  accessToken: string;
  /** Location tokens minted from a company token may come without one (older API versions). */
  refreshToken: string | null;
  expiresInSeconds: number;
  scope: string | null;
  userType: TokenUserType;
  companyId: string | null;
  locationId: string | null;
}

/** GHL refused the code or refresh token (`invalid_grant`): spent, revoked, or never valid. */
export class OAuthGrantError extends Error {
  constructor(readonly description: string) {
    super(`GHL rejected the grant: ${description}`);
    this.name = 'OAuthGrantError';
  }
}

/** Fields GHL may leave out or send as null (docs/ghl-webhooks.md, nulls) are absent either way. */
const opt = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

export const TokenAnswer = z.looseObject({
  access_token: z.string().min(1),
  refresh_token: opt(z.string().min(1)),
  expires_in: z.coerce.number().positive().default(86_399),
  scope: opt(z.string()),
  userType: opt(z.enum(['Location', 'Company'])),
  companyId: opt(z.string()),
  locationId: opt(z.string()),
});

/** `GET /users/search` (docs/ghl-platform.md §7): a page of users; one unreadable user is left out, not fatal. */
export const UserSearchAnswer = z.looseObject({ users: z.array(z.unknown()) });

export const InstalledAnswer = z.looseObject({
  locations: z.array(z.looseObject({ _id: z.string(), name: opt(z.string()), isInstalled: opt(z.boolean()) })),
  count: opt(z.number()),
});

/** installedLocations page size (GHL's default is 20). */
const PAGE = 100;

const OAuthErrorBody = z.looseObject({ error: z.string().optional(), error_description: z.string().optional() });

export interface GhlOAuth {
  exchangeCode(code: string): Promise<TokenGrant>;
  refresh(refreshToken: string, userType: TokenUserType): Promise<TokenGrant>;
  mintLocationToken(companyAccessToken: string, companyId: string, locationId: string): Promise<TokenGrant>;
  /** The company's locations with the app installed; `locationId` asks about that one location only. */
  installedLocations(
    companyAccessToken: string,
    companyId: string,
    opts?: { locationId?: string },
  ): Promise<Array<{ id: string; name: string | null }>>;
  /** The company's user with this id as `GET /users/search?companyId=&ids=` answers it; null when not listed. */
  companyUser(companyAccessToken: string, companyId: string, userId: string): Promise<GhlUserAccess | null>;
}

export interface OAuthDeps {
  config: Config;
  clock: Clock;
  timeoutMs?: number;
}

/**
 * The token endpoints. None of these calls is retried here: a code and a refresh token are single-use, so
 * after a timeout we cannot know whether GHL spent them, and a blind retry would turn that into invalid_grant.
 */
export function createGhlOAuth(deps: OAuthDeps): GhlOAuth {
  const { config } = deps;
  const http = axios.create({
    baseURL: config.ghl.apiBaseUrl,
    timeout: deps.timeoutMs ?? 10_000,
    validateStatus: () => true,
    responseType: 'text',
    transformResponse: (d: unknown) => d,
  });
  const form = { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' };

  async function tokenCall(fields: Record<string, string>): Promise<TokenGrant> {
    const body = new URLSearchParams({
      client_id: config.ghl.clientId,
      client_secret: config.ghl.clientSecret,
      ...fields,
    }).toString();
    const res = await send(() => http.post('/oauth/token', body, { headers: form }));
    return toGrant(parseAnswer(res, deps.clock, TokenAnswer), fields['user_type']);
  }

  return {
    // No user_type: it is optional, and the token's type follows who installed the app (a sub-account, or an
    // agency for its sub-accounts); naming the other type is refused (docs/ghl-oauth.md, code exchange).
    exchangeCode: (code) =>
      tokenCall({ grant_type: 'authorization_code', code, redirect_uri: `${config.appBaseUrl}/oauth/callback` }),
    refresh: (refreshToken, userType) =>
      tokenCall({ grant_type: 'refresh_token', refresh_token: refreshToken, user_type: userType }),
    async mintLocationToken(companyAccessToken, companyId, locationId) {
      const res = await send(() =>
        http.post('/oauth/locationToken', new URLSearchParams({ companyId, locationId }).toString(), {
          headers: { ...form, Authorization: `Bearer ${companyAccessToken}`, Version: '2021-07-28' },
        }),
      );
      const grant = toGrant(parseAnswer(res, deps.clock, TokenAnswer), 'Location');
      return { ...grant, userType: 'Location', companyId, locationId };
    },
    async installedLocations(companyAccessToken, companyId, opts = {}) {
      const out: Array<{ id: string; name: string | null }> = [];
      const appId = config.ghl.clientId.split('-')[0] ?? config.ghl.clientId;
      for (let skip = 0; skip < 10_000; skip += PAGE) {
        const res = await send(() =>
          http.get('/oauth/installedLocations', {
            params: { companyId, appId, isInstalled: 'true', skip, limit: PAGE, locationId: opts.locationId },
            headers: {
              Accept: 'application/json',
              Authorization: `Bearer ${companyAccessToken}`,
              Version: '2021-07-28',
            },
          }),
        );
        const page = parseAnswer(res, deps.clock, InstalledAnswer);
        for (const l of page.locations) if (l.isInstalled !== false) out.push({ id: l._id, name: l.name ?? null });
        // `count` is optional and counts every location of the company, installed or not
        // (docs/ghl-oauth.md, installedLocations): only a short page ends the list.
        if (page.locations.length < PAGE) break;
      }
      return out;
    },
    async companyUser(companyAccessToken, companyId, userId) {
      const res = await send(() =>
        http.get('/users/search', {
          params: { companyId, ids: userId, limit: '25' },
          headers: { Accept: 'application/json', Authorization: `Bearer ${companyAccessToken}`, Version: '2021-07-28' },
        }),
      );
      const page = parseAnswer(res, deps.clock, UserSearchAnswer);
      // `ids` filters on GHL's side [U: exact matching]; the id is checked here again either way.
      for (const raw of page.users) {
        const user = UserAnswer.safeParse(raw);
        if (user.success && user.data.id === userId) return user.data;
      }
      return null;
    },
  };
}

async function send(call: () => Promise<AxiosResponse<string>>): Promise<AxiosResponse<string>> {
  try {
    return await call();
  } catch (err) {
    // Only the code and message: the axios error object carries the request, form body and secrets included.
    const code = axios.isAxiosError(err) ? (err.code ?? 'network error') : 'network error';
    throw new GhlUnavailableError(`GHL OAuth request failed: ${code}`);
  }
}

function parseAnswer<S extends z.ZodType>(res: AxiosResponse<string>, clock: Clock, schema: S): z.output<S> {
  let json: unknown;
  try {
    json = JSON.parse(res.data);
  } catch {
    if (res.status >= 200 && res.status < 300) throw new GhlUnavailableError('GHL OAuth answered malformed JSON');
  }
  if (res.status === 429) throw rateLimitedError(res.headers, clock);
  if (res.status >= 500) throw new GhlUnavailableError(`GHL OAuth answered ${res.status}`);
  if (res.status >= 400) {
    const err = OAuthErrorBody.safeParse(json);
    if (err.success && err.data.error === 'invalid_grant') {
      throw new OAuthGrantError(err.data.error_description ?? 'invalid_grant');
    }
    throw new GhlRequestError(res.status, `GHL OAuth answered ${res.status}`, json);
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new GhlUnavailableError('GHL OAuth answer has an unexpected shape');
  return parsed.data;
}

function toGrant(a: z.output<typeof TokenAnswer>, requested: string | undefined): TokenGrant {
  return {
    accessToken: a.access_token,
    refreshToken: a.refresh_token ?? null,
    expiresInSeconds: a.expires_in,
    scope: a.scope ?? null,
    userType: a.userType ?? (requested === 'Company' ? 'Company' : 'Location'),
    companyId: a.companyId ?? null,
    locationId: a.locationId ?? null,
  };
}
