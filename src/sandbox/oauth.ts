import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { type Answer, type ApiCall, type ApiRoute, grantOf, queryString, requireQuery } from './api.js';
import { expressHandler } from './api-express.js';
import { authorizeLocation } from './auth.js';
import type { Faults } from './faults.js';
import { GhlError } from './ghl-http.js';
import { LOCATION_ID } from './seed.js';
import type { SandboxStore } from './store.js';
import type { Grant, TokenStore } from './tokens.js';

export interface OAuthDeps {
  store: SandboxStore;
  tokens: TokenStore;
  faults: Faults;
  clientId: string;
  clientSecret: string;
  appId: string;
  appBaseUrl: () => string | undefined;
  /** Whether installedLocations carries its optional `count`. */
  installedLocationsCount: boolean;
}

function oauthError(status: number, error: string, description: string): Answer {
  return { status, body: { error, error_description: description } };
}

function checkRedirect(deps: OAuthDeps, redirectUri: string): void {
  const base = deps.appBaseUrl();
  const expected = base === undefined ? undefined : `${base.replace(/\/+$/, '')}/oauth/callback`;
  if (expected !== undefined && redirectUri !== expected) {
    throw new GhlError(400, `redirect_uri ${redirectUri} is not registered for this app (expected ${expected})`);
  }
  if (!/^https?:\/\//.test(redirectUri)) throw new GhlError(400, 'redirect_uri must be an http(s) URL');
}

/** The install screen, skipped: `locationId` picks the sub-account, `userType=Company` or `bulk=1` an agency install. */
function chooseLocation(deps: OAuthDeps) {
  return (req: Request, res: Response): void => {
    if (queryString(req, 'response_type') !== 'code') throw new GhlError(400, 'response_type must be code');
    if (queryString(req, 'client_id') !== deps.clientId) throw new GhlError(400, 'Invalid client_id');
    const redirectUri = requireQuery(req, 'redirect_uri');
    checkRedirect(deps, redirectUri);
    const picked = (queryString(req, 'locationId') ?? '').split(',').filter((id) => id !== '');
    const first = deps.store.location(picked[0] ?? LOCATION_ID);
    if (!first) throw new GhlError(400, `Unknown location ${picked[0]}`);
    const installer = deps.store.users(first.id).find((u) => u.role === 'admin')?.id ?? 'user_installer';
    const scope = queryString(req, 'scope') ?? '';
    const isCompany = queryString(req, 'userType') === 'Company' || queryString(req, 'bulk') === '1';
    const approved = isCompany && picked.length === 0 ? deps.store.locations(first.companyId).map((l) => l.id) : picked;
    const grant: Grant = isCompany
      ? { kind: 'Company', companyId: first.companyId, userId: installer, scope, approvedLocations: approved }
      : {
          kind: 'Location',
          companyId: first.companyId,
          locationId: first.id,
          userId: installer,
          scope,
          approvedLocations: [],
        };
    for (const id of isCompany ? approved : [first.id]) deps.store.setInstalled(id, true);
    const target = new URL(redirectUri);
    target.searchParams.set('code', deps.tokens.createCode(grant, redirectUri));
    res.redirect(302, target.toString());
  };
}

const TokenBody = z.object({
  client_id: z.string(),
  client_secret: z.string(),
  grant_type: z.string(),
  code: z.string().optional(),
  refresh_token: z.string().optional(),
  redirect_uri: z.string().optional(),
  user_type: z.enum(['Company', 'Location']).optional(),
});

function token(deps: OAuthDeps) {
  return (call: ApiCall): Answer => {
    if (!call.form) {
      return oauthError(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
    }
    const parsed = TokenBody.safeParse(call.body);
    if (!parsed.success) return oauthError(400, 'invalid_request', parsed.error.issues[0]?.message ?? 'bad body');
    const body = parsed.data;
    if (body.client_id !== deps.clientId || body.client_secret !== deps.clientSecret) {
      return oauthError(401, 'invalid_client', 'Client authentication failed');
    }
    if (body.grant_type === 'authorization_code') {
      const grant = deps.tokens.exchangeCode(body.code ?? '', body.redirect_uri);
      if (!grant) return oauthError(400, 'invalid_grant', 'Invalid grant: authorization code is invalid');
      // The token's type is the install's (an agency or a sub-account); asking for the other one is refused.
      // GHL's exact words for it are not documented; the shape is its OAuth error's.
      if (body.user_type !== undefined && body.user_type !== grant.kind) {
        return oauthError(
          400,
          'invalid_request',
          `user_type ${body.user_type} does not match the installation (${grant.kind})`,
        );
      }
      return { status: 200, body: deps.tokens.issue(grant) };
    }
    if (body.grant_type === 'refresh_token') {
      const issued = deps.tokens.refresh(body.refresh_token ?? '');
      if (!issued) return oauthError(400, 'invalid_grant', 'Invalid grant: refresh token is invalid');
      deps.store.countRefresh(issued.locationId ?? issued.companyId);
      return { status: 200, body: issued };
    }
    return oauthError(400, 'unsupported_grant_type', `grant_type ${body.grant_type} is not supported`);
  };
}

const LocationTokenBody = z.object({ companyId: z.string().min(1), locationId: z.string().min(1) });

function requireCompany(call: ApiCall, companyId: string): Grant {
  const grant = grantOf(call);
  if (grant.kind !== 'Company') throw new GhlError(403, 'This route needs a Company (agency) token');
  if (grant.companyId !== companyId) throw new GhlError(403, 'The token does not have access to this company');
  return grant;
}

function locationToken(deps: OAuthDeps) {
  return (call: ApiCall): Answer => {
    const body = LocationTokenBody.parse(call.body);
    const company = requireCompany(call, body.companyId);
    authorizeLocation(grantOf(call), deps.store, body.locationId, { allowCompany: true });
    if (!deps.store.isInstalled(body.locationId)) {
      throw new GhlError(400, 'The app is not installed in this location');
    }
    const grant: Grant = { ...company, kind: 'Location', locationId: body.locationId, approvedLocations: [] };
    const { approvedLocations: _a, isBulkInstallation: _b, ...issued } = deps.tokens.issue(grant);
    return { status: 200, body: issued };
  };
}

function installedLocations(deps: OAuthDeps) {
  return (call: ApiCall): Answer => {
    const companyId = requireQuery(call, 'companyId');
    const appId = requireQuery(call, 'appId');
    if (appId !== deps.appId && appId !== deps.clientId) throw new GhlError(400, `Unknown appId ${appId}`);
    requireCompany(call, companyId);
    const filter = queryString(call, 'isInstalled');
    const only = queryString(call, 'locationId');
    const company = deps.store.locations(companyId);
    const all = company
      .map((l) => ({ _id: l.id, name: l.name, address: l.address, isInstalled: deps.store.isInstalled(l.id) }))
      .filter((l) => filter === undefined || String(l.isInstalled) === filter)
      .filter((l) => only === undefined || l._id === only);
    const skip = Number(queryString(call, 'skip') ?? 0);
    const limit = Number(queryString(call, 'limit') ?? 20);
    const locations = all.slice(skip, skip + limit);
    // `count` is "Total location count under the company", not the filtered count, and optional.
    const count = deps.installedLocationsCount ? { count: company.length } : {};
    return { status: 200, body: { locations, ...count, installToFutureLocations: false } };
  };
}

/** The token endpoint, which takes no bearer token; the sandbox's front serves it too. */
export function tokenRoute(deps: OAuthDeps): ApiRoute {
  return { method: 'post', path: '/oauth/token', handler: token(deps), open: true };
}

/** Routes that take no bearer token: the authorize screen and the token endpoint. */
export function publicOAuthRouter(deps: OAuthDeps): Router {
  const r = Router();
  r.get(['/v2/oauth/chooselocation', '/oauth/chooselocation'], deps.faults.middleware, chooseLocation(deps));
  r.post('/oauth/token', deps.faults.middleware, expressHandler(tokenRoute(deps).handler));
  return r;
}

/** Agency-only routes; served behind Version, auth, rate limit and faults. */
export function companyOAuthRoutes(deps: OAuthDeps): ApiRoute[] {
  return [
    { method: 'post', path: '/oauth/locationToken', handler: locationToken(deps) },
    { method: 'get', path: '/oauth/installedLocations', handler: installedLocations(deps) },
  ];
}
