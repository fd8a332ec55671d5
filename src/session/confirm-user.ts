/**
 * The SSO payload only says who the user claims to be: it is AES-CBC without integrity, so flipping bits in
 * one block rewrites the next (docs/security.md). Who they are in the sub-account, and whether they may change
 * settings, is GHL's answer to `GET /users/{userId}` with the location's own token. An answer is kept for a
 * session's lifetime, so reloading the page does not ask GHL again.
 */
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import type { GhlApi, GhlUserAccess } from '../ghl/api.js';
import { askGhlForUser, cachedConfirm } from './confirm-with-ghl.js';

export interface ConfirmedUser {
  userId: string;
  role: 'admin' | 'user';
  userName: string;
}

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
  return cachedConfirm(deps.clock, async (locationId, userId): Promise<ConfirmedUser> => {
    const found = await askGhlForUser(() => deps.ghl.getUser(locationId, userId));
    if (!found || found.id !== userId || !mayEnter(found, locationId)) {
      throw new AppError(403, 'USER_NOT_CONFIRMED', NOT_CONFIRMED);
    }
    return { userId, role: found.role === 'admin' ? 'admin' : 'user', userName: found.name };
  });
}
