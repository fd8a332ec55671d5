import { type Request, Router } from 'express';
import type { Deps } from '../deps.js';
import type { GhlDeps } from '../ghl/deps.js';
import { AppError } from '../errors.js';
import { GhlRateLimitedError, GhlRequestError, GhlUnavailableError } from '../ghl/api.js';
import { OAuthGrantError } from '../ghl/oauth.js';
import { addressReader } from '../http/client-address.js';
import { rateLimitByAddress } from '../session/rate-limit.js';
import { type InstallDeps, installFromCode } from './install.js';
import { installedPage } from './page.js';
import { GHL_SCOPES } from '../ghl/scopes.js';

/** The authorize URL (docs/ghl-platform.md §4): `/v2/oauth/chooselocation` with our redirect URI and scopes. */
export function installUrl(deps: Pick<Deps, 'config'>): string {
  const { config } = deps;
  const params = [
    ['response_type', 'code'],
    ['redirect_uri', `${config.appBaseUrl}/oauth/callback`],
    ['client_id', config.ghl.clientId],
    ['scope', GHL_SCOPES.join(' ')],
  ];
  const query = params.map(([k, v]) => `${k}=${encodeURIComponent(v ?? '')}`).join('&');
  return `${config.ghl.marketplaceUrl}/v2/oauth/chooselocation?${query}`;
}

function codeOf(req: Request): string {
  const code: unknown = req.query['code'];
  if (typeof code !== 'string' || code.trim() === '' || code.length > 2000) {
    throw new AppError(
      400,
      'BAD_REQUEST',
      'the install link is missing its authorization code; start the install again',
    );
  }
  return code;
}

/**
 * Every callback makes us call GHL's token endpoint: one address may not drive that, or the install redirect,
 * in bulk. Generous enough for an agency installing dozens of locations one by one (two requests each).
 */
export const OAUTH_RATE_LIMIT = { max: 60, windowMs: 60_000 };

export function installationsRouter(deps: GhlDeps & InstallDeps): Router {
  const r = Router();
  r.use(
    '/oauth',
    rateLimitByAddress(deps.clock, addressReader(deps.config), {
      ...OAUTH_RATE_LIMIT,
      message: 'too many install attempts from this address; wait a minute',
    }),
  );
  r.get('/oauth/install', (_req, res) => {
    res.redirect(302, installUrl(deps));
  });
  r.get('/oauth/callback', async (req, res) => {
    const code = codeOf(req);
    try {
      const result = await installFromCode(deps, code);
      res.status(200).type('html').setHeader('Cache-Control', 'no-store').send(installedPage(result));
    } catch (err) {
      throw callbackError(err);
    }
  });
  return r;
}

function callbackError(err: unknown): unknown {
  if (err instanceof OAuthGrantError) {
    return new AppError(
      400,
      'BAD_REQUEST',
      'the authorization code is invalid or was already used; start the install again',
    );
  }
  if (err instanceof GhlRateLimitedError || err instanceof GhlUnavailableError || err instanceof GhlRequestError) {
    return new AppError(502, 'GHL_ERROR', 'GoHighLevel did not complete the install; try again in a minute', {
      cause: err,
    });
  }
  return err;
}
