/**
 * What confirming a user with GHL shares, for the sub-account (confirm-user.ts) and the agency
 * (confirm-agency-user.ts): GHL's failures in the page's words, and each answer kept for a session's hour so
 * that reloading the page does not ask GHL again.
 */
import { setBounded } from '../bounded-map.js';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';
import { GhlNotInstalledError, GhlRateLimitedError, GhlRequestError, GhlUnavailableError } from '../ghl/api.js';
import { SESSION_TTL_SECONDS } from './token.js';

const CACHE_MAX = 10_000;

/**
 * GHL's record of the user; null when GHL does not list them (it refused the question, or the install is gone).
 * GHL down or rate-limited is a 503: nobody is refused because GHL could not answer.
 */
export async function askGhlForUser<T>(ask: () => Promise<T>): Promise<T | null> {
  try {
    return await ask();
  } catch (err) {
    if (err instanceof GhlRequestError || err instanceof GhlNotInstalledError) return null;
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

/** `confirm(scopeId, userId)` with each confirmed user kept for a session's hour; a refusal is not kept. */
export function cachedConfirm<U>(
  clock: Clock,
  confirm: (scopeId: string, userId: string) => Promise<U>,
): (scopeId: string, userId: string) => Promise<U> {
  const cache = new Map<string, { user: U; until: number }>();
  return async (scopeId, userId) => {
    const key = `${scopeId}\u0000${userId}`;
    const now = clock.now().getTime();
    const hit = cache.get(key);
    if (hit && hit.until > now) return hit.user;
    const user = await confirm(scopeId, userId);
    setBounded(cache, key, { user, until: now + SESSION_TTL_SECONDS * 1000 }, CACHE_MAX);
    return user;
  };
}
