/**
 * The location's users, phone numbers and calendars from GHL, for pickers in the settings page. Cached per
 * location for a minute (the page asks on every load; GHL allows 100 requests per 10 s). When GHL cannot answer
 * (no client, a missing scope, an outage) the list is empty and a warning says so: the page still works with
 * typed-in values.
 */
import { setBounded } from '../bounded-map.js';
import type { Clock } from '../clock.js';
import { type GhlApi, GhlNotInstalledError, GhlRequestError } from '../ghl/api.js';
import type { GhlCalendar, GhlPhoneNumber, GhlUser } from '../ghl/api.js';
import type { Logger } from '../logger.js';

export interface Lookups {
  users: GhlUser[] | null;
  numbers: GhlPhoneNumber[] | null;
  calendars: GhlCalendar[] | null;
  warnings: string[];
}

const TTL_MS = 60_000;
// One entry per location whose page was opened within the process's life, the oldest dropped past this.
const CACHE_MAX = 5_000;

const WHAT = {
  users: { label: 'users', scope: 'users.readonly', fallback: 'type user ids by hand' },
  numbers: { label: 'phone numbers', scope: 'phonenumbers.read', fallback: 'type tracking numbers by hand' },
  calendars: { label: 'calendars', scope: 'calendars.readonly', fallback: 'paste the booking link by hand' },
} as const;

type Kind = keyof typeof WHAT;

export interface LookupCache {
  get(locationId: string, opts?: { fresh?: boolean }): Promise<Lookups>;
}

export function createLookupCache(deps: { ghl: GhlApi; clock: Clock; logger: Logger }): LookupCache {
  const entries = new Map<string, { at: number; value: Promise<Lookups> }>();
  async function load(locationId: string): Promise<Lookups> {
    const { ghl } = deps;
    const [users, numbers, calendars] = await Promise.allSettled([
      ghl.listUsers(locationId),
      ghl.listPhoneNumbers(locationId),
      ghl.listCalendars(locationId),
    ]);
    const warnings: string[] = [];
    const value = <T>(kind: Kind, result: PromiseSettledResult<T>): T | null => {
      if (result.status === 'fulfilled') return result.value;
      warnings.push(warningFor(kind, result.reason));
      deps.logger.warn({ locationId, kind, err: errorText(result.reason) }, 'settings lookup failed');
      return null;
    };
    return {
      users: value('users', users),
      numbers: value('numbers', numbers),
      calendars: value('calendars', calendars),
      warnings,
    };
  }
  return {
    async get(locationId, opts = {}) {
      const now = deps.clock.now().getTime();
      const cached = entries.get(locationId);
      if (!opts.fresh && cached && now - cached.at < TTL_MS) return cached.value;
      const value = load(locationId);
      setBounded(entries, locationId, { at: now, value }, CACHE_MAX);
      // A failed lookup is not kept: the next page load asks GHL again.
      const result = await value;
      if (result.warnings.length > 0 && entries.get(locationId)?.value === value) entries.delete(locationId);
      return result;
    },
  };
}

function warningFor(kind: Kind, err: unknown): string {
  const { label, scope, fallback } = WHAT[kind];
  if (err instanceof GhlRequestError && (err.status === 401 || err.status === 403)) {
    return `GoHighLevel refused to list the ${label} (the app may lack the ${scope} scope): ${fallback}`;
  }
  if (err instanceof GhlNotInstalledError)
    return `Ringback has no GoHighLevel access for this sub-account: ${fallback}`;
  return `GoHighLevel could not list the ${label} right now: ${fallback}`;
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
