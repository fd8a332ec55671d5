/**
 * `GET /api/portfolio`: every sub-account of the agency user's company that has Ringback, with the same figures
 * as each sub-account's dashboard (reporting/stats.ts: one definition of recovered, booked, first follow-up and
 * first human contact) over its last N local days and the N days before, ranked, each with why it falls behind.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { computeRevenueByLocation, type Revenue } from '../reporting/revenue.js';
import { setupChecks } from '../reporting/setup-check.js';
import { loadSetupFactsMany, type SetupDeps } from '../reporting/setup-facts.js';
import { type Figures, figuresOf, windowStart, zoneFor } from '../reporting/stats.js';
import type { InstalledLocation } from '../session/locations.js';
import { type Flag, resultFlags, setupFlags } from './checks.js';

export interface Period {
  missedCalls: number;
  runs: number;
  recovered: number;
  recoveredPct: number | null;
  booked: number;
  bookedPct: number | null;
  medianFirstFollowupSeconds: number | null;
  medianFirstHumanContactSeconds: number | null;
  /**
   * What the recovered leads were worth (reporting/revenue.ts). `revenueMeasured` is false when leads were
   * recovered but none has a known value yet: then 0 means "not measured", not "nothing earned".
   */
  revenueRecovered: number;
  revenueMeasured: boolean;
  from: string;
  to: string;
}

export interface PortfolioRow extends Period {
  rank: number;
  locationId: string;
  name: string;
  timeZone: string;
  previous: Period;
  flags: Flag[];
  behind: boolean;
}

export interface Portfolio {
  days: number;
  locations: PortfolioRow[];
  totals: { current: Totals; previous: Totals };
}

interface Totals {
  subAccounts: number;
  missedCalls: number;
  runs: number;
  recovered: number;
  recoveredPct: number | null;
  booked: number;
  bookedPct: number | null;
}

/** A sub-account's phone numbers in GHL, as the caller keeps them (portfolio/checks.ts caches them); null: unknown. */
export type NumbersOf = (locationId: string) => Promise<string[] | null>;

/** GHL is asked about this many sub-accounts at a time (each has its own rate limit, the process does not). */
const PARALLEL = 6;

export async function computePortfolio(
  deps: SetupDeps,
  input: { locations: InstalledLocation[]; days: number; now: Date; numbersOf: NumbersOf },
): Promise<Portfolio> {
  const { db } = deps;
  const { locations, days, now } = input;
  const ids = locations.map((l) => l.locationId);
  const numbers = await inBatches(ids, PARALLEL, input.numbersOf);
  // Every sub-account's setup judged as its own page judges it, read in a fixed number of statements.
  const facts = await loadSetupFactsMany(deps, ids, new Map(ids.map((id, i) => [id, numbers[i] ?? null])));
  const spans = locations.map((l) => {
    const timeZone = zoneFor(l.timezone, facts.get(l.locationId)?.settings.timezone);
    const since = windowStart(now, days, timeZone);
    const previousSince = windowStart(new Date(since.getTime() - 1), days, timeZone);
    return { location: l, timeZone, since, previousSince, until: new Date(now.getTime() + 1) };
  });
  const figures = await figuresOf(db, [
    ...spans.map((s) => ({ locationId: s.location.locationId, since: s.since, until: s.until })),
    ...spans.map((s) => ({ locationId: s.location.locationId, since: s.previousSince, until: s.since })),
  ]);
  const revenue = await revenueOf(db, [
    ...spans.map((s) => ({ locationId: s.location.locationId, since: s.since, until: s.until })),
    ...spans.map((s) => ({ locationId: s.location.locationId, since: s.previousSince, until: s.since })),
  ]);
  const current = spans.map((s) => figures.get(`${s.location.locationId}|${s.since.toISOString()}`) ?? EMPTY);
  const median = medianOf(current.map((f) => f.recoveredPct).filter((p): p is number => p !== null));
  const rows: PortfolioRow[] = [];
  for (const [i, s] of spans.entries()) {
    const id = s.location.locationId;
    const now_ = current[i] ?? EMPTY;
    const own = facts.get(id);
    const flags = [...(own ? setupFlags(setupChecks(own)) : []), ...resultFlags(now_, median)];
    rows.push({
      rank: 0,
      locationId: id,
      name: s.location.name ?? 'Unnamed sub-account',
      timeZone: s.timeZone,
      ...period(now_, revenue.get(`${id}|${s.since.toISOString()}`), s.since, now),
      previous: period(
        figures.get(`${id}|${s.previousSince.toISOString()}`) ?? EMPTY,
        revenue.get(`${id}|${s.previousSince.toISOString()}`),
        s.previousSince,
        s.since,
      ),
      flags,
      behind: flags.length > 0,
    });
  }
  rows.sort(byRank);
  rows.forEach((r, i) => {
    r.rank = i + 1;
  });
  return {
    days,
    locations: rows,
    totals: { current: totalOf(rows), previous: totalOf(rows.map((r) => ({ ...r.previous }))) },
  };
}

const EMPTY: Figures = {
  missedCalls: 0,
  runs: 0,
  recovered: 0,
  recoveredPct: null,
  booked: 0,
  bookedPct: null,
  timeToFirstFollowupSeconds: { p50: null, p90: null },
  timeToFirstHumanContactSeconds: { p50: null },
  followedUp: 0,
  reachedByRep: 0,
};

function period(f: Figures, rev: Revenue | undefined, from: Date, to: Date): Period {
  return {
    missedCalls: f.missedCalls,
    runs: f.runs,
    recovered: f.recovered,
    recoveredPct: f.recoveredPct,
    booked: f.booked,
    bookedPct: f.bookedPct,
    medianFirstFollowupSeconds: f.timeToFirstFollowupSeconds.p50,
    medianFirstHumanContactSeconds: f.timeToFirstHumanContactSeconds.p50,
    revenueRecovered: rev?.value ?? 0,
    revenueMeasured: rev !== undefined && (rev.leads === 0 || rev.valuedLeads > 0),
    from: from.toISOString(),
    to: to.toISOString(),
  };
}

/** Best recovery first; no calls yet last; then the busier sub-account, then by name. */
function byRank(a: PortfolioRow, b: PortfolioRow): number {
  const pa = a.recoveredPct ?? -1;
  const pb = b.recoveredPct ?? -1;
  return pb - pa || b.missedCalls - a.missedCalls || a.name.localeCompare(b.name);
}

function totalOf(rows: Period[]): Totals {
  const sum = (pick: (p: Period) => number) => rows.reduce((n, p) => n + pick(p), 0);
  const runs = sum((p) => p.runs);
  const recovered = sum((p) => p.recovered);
  const booked = sum((p) => p.booked);
  const pct = (part: number) => (runs === 0 ? null : Math.round((part / runs) * 1000) / 10);
  return {
    subAccounts: rows.length,
    missedCalls: sum((p) => p.missedCalls),
    runs,
    recovered,
    recoveredPct: pct(recovered),
    booked,
    bookedPct: pct(booked),
  };
}

function medianOf(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] ?? null) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/**
 * Revenue per window, keyed like `figuresOf`: one statement per distinct window (sub-accounts in the same time
 * zone share theirs). Windows end before `until`; revenue.ts counts up to and including it, hence the 1 ms.
 */
async function revenueOf(
  db: Kysely<Database>,
  windows: { locationId: string; since: Date; until: Date }[],
): Promise<Map<string, Revenue>> {
  const groups = new Map<string, { since: Date; until: Date; ids: string[] }>();
  for (const w of windows) {
    const key = `${w.since.toISOString()}|${w.until.toISOString()}`;
    const group = groups.get(key) ?? { since: w.since, until: w.until, ids: [] };
    group.ids.push(w.locationId);
    groups.set(key, group);
  }
  const out = new Map<string, Revenue>();
  for (const g of groups.values()) {
    const until = new Date(g.until.getTime() - 1);
    const found = await computeRevenueByLocation(db, { locationIds: g.ids, since: g.since, until });
    for (const [id, rev] of found) out.set(`${id}|${g.since.toISOString()}`, rev);
  }
  return out;
}

async function inBatches<T, R>(items: T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}
