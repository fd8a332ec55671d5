import { setBounded } from '../bounded-map.js';
import type { Clock } from '../clock.js';

/**
 * Speed: replaces a read and decryption of the install row by the first GHL call of each job more than 30 s after
 * the last (the cache's former lifetime): a location with a call every 5 minutes paid one database round trip
 * for every step and attribution of a missed call. The row is now read once per token lifetime (a day,
 * docs/ghl-platform.md §4), plus the refresh's locked read: 3 reads over two days of calls every 5 minutes
 * instead of 577 (test/ghl/token-cache.test.ts).
 * A decrypted token is reused until `marginMs` before it expires. What the row says meanwhile costs at most one
 * 401: a token GHL rejects is dropped and the row read again, which finds it uninstalled, revoked, or holding the
 * token another instance refreshed (docs/ghl-oauth.md §8). A step never relies on the cache to know the location
 * is installed: it reads the install status with its facts (followup/step-facts.ts).
 */
const CACHE_MAX = 10_000;

export interface TokenCache {
  /** The location's decrypted token, unless it is `rejected` (then forgotten) or due for refresh. */
  get(locationId: string, rejected?: string): string | null;
  put(locationId: string, token: string, expiresAt: Date): void;
  drop(locationId: string): void;
}

export function createTokenCache(clock: Clock, marginMs: number): TokenCache {
  const cache = new Map<string, { token: string; validUntil: number }>();
  return {
    get(locationId, rejected) {
      const hit = cache.get(locationId);
      if (!hit) return null;
      if (hit.token === rejected || hit.validUntil <= clock.now().getTime()) {
        cache.delete(locationId);
        return null;
      }
      return hit.token;
    },
    put(locationId, token, expiresAt) {
      const validUntil = expiresAt.getTime() - marginMs;
      if (validUntil <= clock.now().getTime()) return;
      setBounded(cache, locationId, { token, validUntil }, CACHE_MAX);
    },
    drop: (locationId) => cache.delete(locationId),
  };
}
