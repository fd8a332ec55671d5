import { GhlError } from './ghl-http.js';
import type { SandboxStore } from './store.js';
import type { AccessGrant, TokenStore } from './tokens.js';

export const INVALID_TOKEN = 'Invalid token: access token is invalid';

const BEARER = /^Bearer\s+(\S+)$/i;

/** The live grant behind an `Authorization` header; unknown, revoked and expired tokens all give undefined. */
export function bearerGrant(tokens: TokenStore, header: string | undefined): AccessGrant | undefined {
  const match = BEARER.exec(header ?? '');
  const grant = match?.[1] === undefined ? undefined : tokens.verify(match[1]);
  return grant === 'expired' ? undefined : grant;
}

/**
 * A Location token may touch only its own location; a Company token only the company's locations and only
 * where GHL accepts agency tokens (`allowCompany`).
 */
export function authorizeLocation(
  grant: AccessGrant,
  store: SandboxStore,
  locationId: string,
  opts: { allowCompany?: boolean } = {},
): void {
  if (grant.kind === 'Location') {
    if (grant.locationId !== locationId) throw new GhlError(403, 'The token does not have access to this location');
    return;
  }
  if (!opts.allowCompany) {
    throw new GhlError(403, 'This route needs a Location token; mint one with /oauth/locationToken');
  }
  if (store.location(locationId)?.companyId !== grant.companyId) {
    throw new GhlError(403, 'The token does not have access to this location');
  }
}
