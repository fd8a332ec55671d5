/**
 * Why a sub-account falls behind, in the agency owner's words. Its setup is judged by the same checker as its
 * own page (reporting/setup-check.ts: numbers, reps, booking link, business address, A2P health, double
 * texting, test call): every check that asks something of the owner flags the sub-account, with the same
 * words and where to fix it. Its results are judged by the same figures as its dashboard (reporting/stats.ts):
 * slow callbacks, and recovery well under the agency's other sub-accounts.
 */
import type { Clock } from '../clock.js';
import type { GhlApi } from '../ghl/api.js';
import type { Logger } from '../logger.js';
import { setBounded } from '../bounded-map.js';
import type { SetupCheck, SetupReport } from '../reporting/setup-check.js';
import type { Figures } from '../reporting/stats.js';

export type FlagCode = SetupCheck['key'] | 'slow-callbacks' | 'low-recovery';

export interface Flag {
  code: FlagCode;
  message: string;
  /** Where the owner fixes it (a section of Ringback's settings, or a menu path in GHL); null for results. */
  fix: string | null;
}

/** A median first human contact slower than this is a slow callback (the default callback task is due at 15 min). */
export const SLOW_CALLBACK_SECONDS = 60 * 60;
/** Recovery this many points under the portfolio's median, over at least `MIN_RUNS` runs, falls behind. */
export const BEHIND_POINTS = 15;
const MIN_RUNS = 5;
const NUMBERS_TTL_MS = 5 * 60_000;

/**
 * The numbers of each sub-account from GHL, kept five minutes: the portfolio asks for every sub-account at
 * once, so a page load asks GHL only for the sub-accounts it has not asked lately. A number list GHL cannot
 * give right now is no reason to flag anyone (null: unknown) and is asked again next time.
 */
export function numbersChecker(deps: { ghl?: GhlApi; clock: Clock; logger: Logger }) {
  const cache = new Map<string, { at: number; numbers: string[] }>();
  return async function numbersOf(locationId: string): Promise<string[] | null> {
    const now = deps.clock.now().getTime();
    const hit = cache.get(locationId);
    if (hit && now - hit.at <= NUMBERS_TTL_MS) return hit.numbers;
    if (!deps.ghl) return null;
    try {
      const numbers = (await deps.ghl.listPhoneNumbers(locationId)).map((n) => n.phoneNumber);
      setBounded(cache, locationId, { at: now, numbers }, 5_000);
      return numbers;
    } catch (err) {
      deps.logger.warn(
        { locationId, err: err instanceof Error ? err.message : String(err) },
        'portfolio: numbers unknown',
      );
      return null;
    }
  };
}

/** A setup check flags the sub-account when it asks the owner to act (to do, or a warning); unknowns do not. */
export function setupFlags(report: SetupReport): Flag[] {
  return report.checks
    .filter((c) => c.state === 'todo' || c.state === 'warn')
    .map((c) => ({ code: c.key, message: c.detail, fix: c.fix }));
}

export function resultFlags(figures: Figures, medianRecoveredPct: number | null): Flag[] {
  const flags: Flag[] = [];
  const human = figures.timeToFirstHumanContactSeconds.p50;
  if (human !== null && human > SLOW_CALLBACK_SECONDS) {
    flags.push({
      code: 'slow-callbacks',
      message: `Half the callers wait more than ${spoken(human)} for a person to call back.`,
      fix: null,
    });
  }
  if (medianRecoveredPct !== null && figures.recoveredPct !== null && figures.runs >= MIN_RUNS) {
    if (figures.recoveredPct <= medianRecoveredPct - BEHIND_POINTS) {
      flags.push({
        code: 'low-recovery',
        message: 'Recovers fewer missed callers than your other sub-accounts.',
        fix: null,
      });
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
