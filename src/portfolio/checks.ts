/**
 * Why a sub-account falls behind, in the agency owner's words: the few setup checks the portfolio needs (no rep
 * chosen, numbers without a source, texts failing, slow callbacks). Kept small and separate so that a fuller
 * setup checker (issue 18 point 5) can take them over.
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import type { GhlApi } from '../ghl/api.js';
import type { Logger } from '../logger.js';
import type { Figures } from '../reporting/stats.js';
import { deliveryWarnings } from '../settings/a2p.js';
import type { Settings } from '../core/settings/schema.js';

export type FlagCode = 'no-reps' | 'numbers-unmapped' | 'texts-failing' | 'slow-callbacks' | 'low-recovery';

export interface Flag {
  code: FlagCode;
  message: string;
}

/** A median first human contact slower than this is a slow callback (the default callback task is due at 15 min). */
export const SLOW_CALLBACK_SECONDS = 60 * 60;
/** Recovery this many points under the portfolio's median, over at least `MIN_RUNS` runs, falls behind. */
export const BEHIND_POINTS = 15;
const MIN_RUNS = 5;
/** Delivery failures older than this no longer flag a sub-account. */
const FAILURE_DAYS = 30;
const NUMBERS_TTL_MS = 5 * 60_000;

/** Whether anyone gets the callback task: routed reps, a rule's reps or a source's reps. */
export function noRepsChosen(settings: Settings): boolean {
  return (
    settings.routing.userIds.length === 0 &&
    settings.routing.rules.every((r) => r.userIds.length === 0) &&
    settings.sources.every((s) => s.assignTo.length === 0)
  );
}

/**
 * The numbers of each sub-account from GHL, kept five minutes: the portfolio asks for every sub-account at
 * once, and a number GHL cannot list right now is no reason to flag anyone (null: unknown).
 */
export function numbersChecker(deps: { ghl?: GhlApi; clock: Clock; logger: Logger }) {
  const cache = new Map<string, { at: number; numbers: string[] | null }>();
  return async function unmappedNumbers(locationId: string, settings: Settings): Promise<number | null> {
    const now = deps.clock.now().getTime();
    let hit = cache.get(locationId);
    if (!hit || now - hit.at > NUMBERS_TTL_MS) {
      let numbers: string[] | null = null;
      try {
        numbers = deps.ghl ? (await deps.ghl.listPhoneNumbers(locationId)).map((n) => n.phoneNumber) : null;
      } catch (err) {
        deps.logger.warn(
          { locationId, err: err instanceof Error ? err.message : String(err) },
          'portfolio: numbers unknown',
        );
      }
      hit = { at: now, numbers };
      if (numbers !== null) cache.set(locationId, hit);
      if (cache.size > 5_000) cache.clear();
    }
    if (hit.numbers === null) return null;
    const mapped = new Set(settings.sources.map((s) => s.trackingNumber));
    return hit.numbers.filter((n) => !mapped.has(n)).length;
  };
}

export async function flagsOf(
  db: Kysely<Database>,
  input: {
    locationId: string;
    settings: Settings | null;
    unmapped: number | null;
    figures: Figures;
    medianRecoveredPct: number | null;
    now: Date;
  },
): Promise<Flag[]> {
  const flags: Flag[] = [];
  const { settings, unmapped, figures } = input;
  if (settings && noRepsChosen(settings)) {
    flags.push({ code: 'no-reps', message: 'No rep is chosen for callbacks, so callback tasks go to no one' });
  }
  if (unmapped !== null && unmapped > 0) {
    flags.push({
      code: 'numbers-unmapped',
      message: `${unmapped} phone number${unmapped === 1 ? ' has' : 's have'} no source, so their callers are not attributed`,
    });
  }
  const since = input.now.getTime() - FAILURE_DAYS * 86_400_000;
  const failing = (await deliveryWarnings(db, input.locationId)).filter((w) => Date.parse(w.lastAt) >= since);
  const failures = failing.reduce((n, w) => n + w.occurrences, 0);
  if (failures > 0) {
    flags.push({
      code: 'texts-failing',
      message: `Carriers blocked ${failures} automated text${failures === 1 ? '' : 's'} recently: check the A2P registration`,
    });
  }
  const human = figures.timeToFirstHumanContactSeconds.p50;
  if (human !== null && human > SLOW_CALLBACK_SECONDS) {
    flags.push({
      code: 'slow-callbacks',
      message: `Half the callers wait more than ${spoken(human)} for a person to call back`,
    });
  }
  const median = input.medianRecoveredPct;
  if (median !== null && figures.recoveredPct !== null && figures.runs >= MIN_RUNS) {
    if (figures.recoveredPct <= median - BEHIND_POINTS) {
      flags.push({ code: 'low-recovery', message: 'Recovers fewer missed callers than your other sub-accounts' });
    }
  }
  return flags;
}

/** "2 hours", "45 minutes": how long, said plainly. */
function spoken(seconds: number): string {
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `${minutes} minutes`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours} hours` : `${Math.round(hours / 24)} days`;
}
