/**
 * Outcomes of one location over its last N local days (today included), computed in SQL: missed calls, runs,
 * recovered (connected, replied or booked within 72 h), booked, suppressed by reason, time to first follow-up
 * (p50/p90) and to first human contact (p50), per local day and per source.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';
import { addDays, FALLBACK_TIMEZONE, isValidTimeZone, localParts, localToInstant } from '../core/timezone.js';
import { reasonWords } from './words.js';

export interface Stats {
  days: number;
  timeZone: string;
  from: string;
  to: string;
  missedCalls: number;
  runs: number;
  recovered: number;
  recoveredPct: number | null;
  booked: number;
  bookedPct: number | null;
  suppressed: { reason: string; label: string; count: number }[];
  followedUp: number;
  reachedByRep: number;
  /** The same figures over the N local days just before `from`. */
  previous: PeriodTotals;
  timeToFirstFollowupSeconds: { p50: number | null; p90: number | null };
  timeToFirstHumanContactSeconds: { p50: number | null };
  perDay: { day: string; missed: number; recovered: number }[];
  perSource: {
    source: string | null;
    missedCalls: number;
    runs: number;
    recovered: number;
    recoveredPct: number | null;
  }[];
}

/** The headline figures of one location over one window: the dashboard's totals and a portfolio row alike. */
export interface Figures {
  missedCalls: number;
  runs: number;
  recovered: number;
  recoveredPct: number | null;
  booked: number;
  bookedPct: number | null;
  timeToFirstFollowupSeconds: { p50: number | null; p90: number | null };
  timeToFirstHumanContactSeconds: { p50: number | null };
  /** The denominators of the two medians: leads that got a follow-up, leads a rep reached. */
  followedUp: number;
  reachedByRep: number;
}

/** One period's figures with its bounds: `previous` in GET /api/stats, set beside each figure on the page. */
export type PeriodTotals = Figures & { from: string; to: string };

/** A location's window: calls and runs from `since` (inclusive) to `until` (exclusive). */
export interface Window {
  locationId: string;
  since: Date;
  until: Date;
}

interface Totals {
  location_id: string;
  missed: number;
  runs: number;
  recovered: number;
  booked: number;
  ttf_p50: number | null;
  ttf_p90: number | null;
  human_p50: number | null;
  followed_up: number;
  reached: number;
}

// A run counts as recovered when its outcome says so within 72 h of the first missed call (docs/design.md §1.9).
const RECOVERED = sql<boolean>`r.outcome = 'recovered' and r.outcome_at <= r.started_at + interval '72 hours'`;

/** The first instant of the last `days` local days (today included) in `timeZone`. */
export function windowStart(now: Date, days: number, timeZone: string): Date {
  return localToInstant(addDays(localParts(now, timeZone).date, -(days - 1)), 0, timeZone);
}

/**
 * The figures of many windows in one statement (the agency portfolio asks for every sub-account and two
 * periods at once). Keyed `locationId|since`: a location may come with several windows.
 */
export async function figuresOf(db: Kysely<Database>, windows: readonly Window[]): Promise<Map<string, Figures>> {
  const out = new Map<string, Figures>();
  if (windows.length === 0) return out;
  const ids = windows.map((w) => w.locationId);
  const sinces = windows.map((w) => w.since.toISOString());
  const untils = windows.map((w) => w.until.toISOString());
  const rows = await sql<Totals & { since: Date }>`
    with w as (
      select * from unnest(${ids}::text[], ${sinces}::timestamptz[], ${untils}::timestamptz[]) as w(location_id, since, until)
    )
    select
      w.location_id, w.since,
      (select count(*) from missed_calls m
        where m.location_id = w.location_id and m.called_at >= w.since and m.called_at < w.until) as missed,
      count(r.id) as runs,
      count(*) filter (where ${RECOVERED}) as recovered,
      count(*) filter (where ${RECOVERED} and r.outcome_reason = 'booked') as booked,
      count(r.first_followup_at) as followed_up,
      count(r.first_human_contact_at) as reached,
      percentile_cont(0.5) within group (order by extract(epoch from r.first_followup_at - r.started_at)::float8) as ttf_p50,
      percentile_cont(0.9) within group (order by extract(epoch from r.first_followup_at - r.started_at)::float8) as ttf_p90,
      percentile_cont(0.5) within group (order by extract(epoch from r.first_human_contact_at - r.started_at)::float8) as human_p50
    from w left join runs r on r.location_id = w.location_id and r.started_at >= w.since and r.started_at < w.until
    group by w.location_id, w.since, w.until`.execute(db);
  for (const t of rows.rows) {
    const runs = Number(t.runs);
    const recovered = Number(t.recovered);
    const booked = Number(t.booked);
    out.set(`${t.location_id}|${new Date(t.since).toISOString()}`, {
      missedCalls: Number(t.missed),
      runs,
      recovered,
      recoveredPct: pct(recovered, runs),
      booked,
      bookedPct: pct(booked, runs),
      timeToFirstFollowupSeconds: { p50: seconds(t.ttf_p50), p90: seconds(t.ttf_p90) },
      timeToFirstHumanContactSeconds: { p50: seconds(t.human_p50) },
      followedUp: Number(t.followed_up),
      reachedByRep: Number(t.reached),
    });
  }
  return out;
}

/** Days are the location's days: its GHL timezone, else the settings' override, else the US default. */
export async function locationTimezone(db: Kysely<Database>, locationId: string): Promise<string> {
  const row = await db
    .selectFrom('installations')
    .leftJoin('location_settings', 'location_settings.location_id', 'installations.location_id')
    .select(['installations.timezone', 'location_settings.settings'])
    .where('installations.location_id', '=', locationId)
    .executeTakeFirst();
  return zoneFor(row?.timezone, (row?.settings as { timezone?: unknown } | null | undefined)?.timezone);
}

/** The zone of a location's days: its GHL time zone, else its settings' zone, else the US default. */
export function zoneFor(ghlZone: unknown, settingsZone: unknown): string {
  for (const zone of [ghlZone, settingsZone]) {
    if (typeof zone === 'string' && isValidTimeZone(zone)) return zone;
  }
  return FALLBACK_TIMEZONE;
}

export async function computeStats(
  db: Kysely<Database>,
  input: { locationId: string; days: number; now: Date; timeZone: string },
): Promise<Stats> {
  const { locationId: loc, days, now, timeZone: tz } = input;
  const today = localParts(now, tz).date;
  const firstDay = addDays(today, -(days - 1));
  const since = localToInstant(firstDay, 0, tz);
  const runsIn = sql`runs r where r.location_id = ${loc} and r.started_at >= ${since} and r.started_at <= ${now}`;
  const callsIn = sql`missed_calls m where m.location_id = ${loc} and m.called_at >= ${since} and m.called_at <= ${now}`;

  // `now` itself included, as always: the window ends a millisecond after it.
  const until = new Date(now.getTime() + 1);
  const prevSince = localToInstant(addDays(firstDay, -days), 0, tz);
  const both = await figuresOf(db, [
    { locationId: loc, since, until },
    { locationId: loc, since: prevSince, until: since },
  ]);
  const totals = both.get(`${loc}|${since.toISOString()}`);
  const before = both.get(`${loc}|${prevSince.toISOString()}`);

  const suppressed = await sql<{ reason: string; count: number }>`
    select coalesce(r.outcome_reason, 'unknown') as reason, count(*) as count
    from ${runsIn} and r.outcome = 'suppressed'
    group by 1 order by 2 desc, 1`.execute(db);

  const perDay = await sql<{ day: string; missed: number; recovered: number }>`
    with days as (
      select generate_series(${firstDay}::date, ${today}::date, interval '1 day')::date as day
    ), missed as (
      select (m.called_at at time zone ${tz})::date as day, count(*) as n from ${callsIn} group by 1
    ), recovered as (
      select (r.started_at at time zone ${tz})::date as day, count(*) as n from ${runsIn} and ${RECOVERED} group by 1
    )
    select to_char(days.day, 'YYYY-MM-DD') as day, coalesce(missed.n, 0)::int as missed, coalesce(recovered.n, 0)::int as recovered
    from days left join missed using (day) left join recovered using (day)
    order by days.day`.execute(db);

  // '' stands for "no source" while grouping: a source tag is never empty (settings validation).
  const perSource = await sql<{ source: string | null; missed: number; runs: number; recovered: number }>`
    select nullif(src, '') as source, sum(missed)::int as missed, sum(runs)::int as runs, sum(recovered)::int as recovered
    from (
      select coalesce(m.source_tag, '') as src, 1 as missed, 0 as runs, 0 as recovered from ${callsIn}
      union all
      select coalesce(r.source_tag, ''), 0, 1, case when ${RECOVERED} then 1 else 0 end from ${runsIn}
    ) x
    group by src
    order by 2 desc, 3 desc, 1`.execute(db);

  if (!totals || !before) throw new Error(`no figures for ${loc}`);
  return {
    days,
    timeZone: tz,
    from: since.toISOString(),
    to: now.toISOString(),
    missedCalls: totals.missedCalls,
    runs: totals.runs,
    recovered: totals.recovered,
    recoveredPct: totals.recoveredPct,
    booked: totals.booked,
    bookedPct: totals.bookedPct,
    suppressed: suppressed.rows.map((r) => ({
      reason: r.reason,
      label: reasonWords(r.reason),
      count: Number(r.count),
    })),
    timeToFirstFollowupSeconds: totals.timeToFirstFollowupSeconds,
    timeToFirstHumanContactSeconds: totals.timeToFirstHumanContactSeconds,
    followedUp: totals.followedUp,
    reachedByRep: totals.reachedByRep,
    previous: { ...before, from: prevSince.toISOString(), to: since.toISOString() },
    perDay: perDay.rows.map((r) => ({ day: r.day, missed: Number(r.missed), recovered: Number(r.recovered) })),
    perSource: perSource.rows.map((r) => ({
      source: r.source,
      missedCalls: Number(r.missed),
      runs: Number(r.runs),
      recovered: Number(r.recovered),
      recoveredPct: pct(Number(r.recovered), Number(r.runs)),
    })),
  };
}

function pct(part: number, whole: number): number | null {
  return whole === 0 ? null : Math.round((part / whole) * 1000) / 10;
}

function seconds(value: number | string | null | undefined): number | null {
  return value === null || value === undefined ? null : Math.round(Number(value));
}
