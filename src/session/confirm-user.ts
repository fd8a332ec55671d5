/**
 * The SSO payload only says who the user claims to be: it is AES-CBC without integrity, so flipping bits in
 * one block rewrites the next (docs/security.md). Who they are in the sub-account, and whether they may change
 * settings, is GHL's answer to `GET /users/{userId}` with the location's own token. An answer is kept for a
 * session's lifetime, so reloading the page does not ask GHL again.
 */
import { setBounded } from '../bounded-map.js';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import {
  type GhlApi,
  GhlNotInstalledError,
  GhlRateLimitedError,
  GhlRequestError,
  GhlUnavailableError,
  type GhlUserAccess,
} from '../ghl/api.js';
import { SESSION_TTL_SECONDS } from './token.js';

export interface ConfirmedUser {
  userId: string;
  role: 'admin' | 'user';
  userName: string;
}

const CACHE_MAX = 10_000;

const NOT_CONFIRMED =
  'GoHighLevel does not list you as a user of this sub-account; open Ringback from inside GoHighLevel';

/** Whether GHL's record lets the user into `locationId` (docs/security.md: roles.type, locationIds). */
export function mayEnter(user: GhlUserAccess, locationId: string): boolean {
  if (user.deleted || user.role === null) return false;
  if (user.locationIds.includes(locationId)) return true;
  // An agency user unrestricted to sub-accounts reaches every location of the agency; GHL answered with this
  // location's token, so the user is of the company that owns it.
  return user.type === 'agency' && user.restrictSubAccount === false;
}

export function userConfirmer(deps: { ghl: GhlApi; clock: Clock }) {
  const cache = new Map<string, { user: ConfirmedUser; until: number }>();

  async function ask(locationId: string, userId: string): Promise<GhlUserAccess> {
    try {
      return await deps.ghl.getUser(locationId, userId);
    } catch (err) {
      if (err instanceof GhlRequestError || err instanceof GhlNotInstalledError) {
        throw new AppError(403, 'USER_NOT_CONFIRMED', NOT_CONFIRMED);
      }
      if (err instanceof GhlUnavailableError || err instanceof GhlRateLimitedError) {
        throw new AppError(
          503,
          'GHL_UNAVAILABLE',
          'GoHighLevel could not confirm who you are just now; reload in a minute',
          {
            retryAfterSeconds: 30,
          },
        );
      }
      throw err;
    }
  }

  return async function confirm(locationId: string, userId: string): Promise<ConfirmedUser> {
    const key = `${locationId}\u0000${userId}`;
    const now = deps.clock.now().getTime();
    const hit = cache.get(key);
    if (hit && hit.until > now) return hit.user;
    const found = await ask(locationId, userId);
    if (found.id !== userId || !mayEnter(found, locationId))
      throw new AppError(403, 'USER_NOT_CONFIRMED', NOT_CONFIRMED);
    const user: ConfirmedUser = { userId, role: found.role === 'admin' ? 'admin' : 'user', userName: found.name };
    setBounded(cache, key, { user, until: now + SESSION_TTL_SECONDS * 1000 }, CACHE_MAX);
    return user;
  };
}
