// Speed: replaces a GHL user list per step that names a rep, one request of the location's 100-per-10-s budget each; figure not recorded.
import { setBounded } from '../bounded-map.js';
import type { Clock } from '../clock.js';
import type { GhlApi, GhlUser } from '../ghl/api.js';

const TTL_MS = 5 * 60_000;
const CACHE_MAX = 10_000;

/**
 * Rep names for messages and tasks, cached per location for a few minutes: names rarely change and every step
 * would otherwise spend a request of the location's 100-per-10-s budget.
 */
export function createUserDirectory(ghl: GhlApi, clock: Clock) {
  const cache = new Map<string, { at: number; users: GhlUser[] }>();
  return {
    /** A UserCreate or UserDelete came: the next name asked for reads GHL's list again. */
    forget(locationId: string): void {
      cache.delete(locationId);
    },
    async userName(locationId: string, userId: string | null): Promise<string | null> {
      if (!userId) return null;
      let entry = cache.get(locationId);
      if (!entry || clock.now().getTime() - entry.at > TTL_MS) {
        const users = await ghl.listUsers(locationId).catch(() => [] as GhlUser[]);
        entry = { at: clock.now().getTime(), users };
        setBounded(cache, locationId, entry, CACHE_MAX);
      }
      return entry.users.find((u) => u.id === userId)?.name ?? null;
    },
  };
}

export type UserDirectory = ReturnType<typeof createUserDirectory>;
