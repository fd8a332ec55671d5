/**
 * A GhlApi whose directory calls answer from fixed lists (or fail), counting calls. Any other method rejects:
 * the settings API must not use it. A Proxy, so the fake keeps compiling as GhlApi grows.
 */
import type { GhlApi, GhlCalendar, GhlPhoneNumber, GhlUser } from '../../src/ghl/api.js';

export interface FakeDirectory {
  users?: GhlUser[] | Error;
  numbers?: GhlPhoneNumber[] | Error;
  calendars?: GhlCalendar[] | Error;
}

export type FakeGhl = GhlApi & { calls: { users: number; numbers: number; calendars: number } };

export function fakeGhl(dir: FakeDirectory): FakeGhl {
  const calls = { users: 0, numbers: 0, calendars: 0 };
  const answer = async <T>(kind: keyof typeof calls, value: T[] | Error | undefined): Promise<T[]> => {
    calls[kind] += 1;
    if (value instanceof Error) throw value;
    return value ?? [];
  };
  const known: Record<string, unknown> = {
    calls,
    listUsers: () => answer('users', dir.users),
    listPhoneNumbers: () => answer('numbers', dir.numbers),
    listCalendars: () => answer('calendars', dir.calendars),
  };
  return new Proxy(known, {
    get(target, prop) {
      if (typeof prop !== 'string' || prop === 'then') return undefined;
      if (prop in target) return target[prop];
      return () => Promise.reject(new Error(`fake GHL: ${prop} is not used by the settings API`));
    },
  }) as unknown as FakeGhl;
}
