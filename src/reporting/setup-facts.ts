/**
 * The facts the setup checker (setup-check.ts) judges, read for one location: its settings, its numbers in GHL,
 * the booking link probed (cached 10 minutes per link), its business address, the last 30 days of texts and
 * carrier errors, other automations texting missed callers, and its last test call. The agency portfolio
 * reads every sub-account's facts at once (`loadSetupFactsMany`).
 */
import { type Kysely, sql } from 'kysely';
import { setBounded } from '../bounded-map.js';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import type { GhlApi } from '../ghl/api.js';
import { defaultSettings } from '../core/settings/schema.js';
import { type LinkProbe, type ProbeResult, probeLink } from './link-probe.js';
import { type SetupFacts, type SetupReport, setupChecks } from './setup-check.js';

const DAY_MS = 86_400_000;
const PROBE_TTL_MS = 10 * 60_000;
/** Booking links probed at once: each is a GET to the owner's site with a 5 s timeout. */
const PROBES_AT_ONCE = 8;
const probes = new Map<string, { at: number; result: Promise<ProbeResult>; settled: ProbeResult | null }>();

export interface SetupDeps {
  db: Kysely<Database>;
  clock: Clock;
  ghl?: GhlApi;
  /** Tests and the demo pass their own; the default GETs the link through the private-address guard. */
  probe?: LinkProbe;
}

/** `numbers`: the location's GHL numbers when the caller already has them (the page's lookups cache). */
export async function loadSetupFacts(
  deps: SetupDeps,
  locationId: string,
  opts: { numbers?: string[] | null } = {},
): Promise<SetupFacts> {
  const numbers = opts.numbers !== undefined ? opts.numbers : await ghlNumbers(deps.ghl, locationId);
  const facts = (
    await loadSetupFactsMany(deps, [locationId], new Map([[locationId, numbers]]), { waitForProbes: true })
  ).get(locationId);
  if (!facts) throw new Error('setup facts: the location was asked for but not read');
  return facts;
}

/**
 * The facts of many locations in a fixed number of statements, whatever their count (the agency portfolio asks
 * for every sub-account at once). `numbers` holds each location's GHL numbers as the caller has them (cached);
 * a location missing from it has its numbers unknown, never asked of GHL here. Booking links are probed as one
 * location's page asks (`waitForProbes`), else read from the probe cache only (unknown until a probe answered).
 */
export async function loadSetupFactsMany(
  deps: SetupDeps,
  locationIds: readonly string[],
  numbers: ReadonlyMap<string, string[] | null>,
  opts: { waitForProbes?: boolean } = {},
): Promise<Map<string, SetupFacts>> {
  const out = new Map<string, SetupFacts>();
  const ids = [...new Set(locationIds)];
  if (ids.length === 0) return out;
  const now = deps.clock.now();
  const since = new Date(now.getTime() - 30 * DAY_MS);
  const archivedSince = new Date(since.getTime() - 30 * DAY_MS);
  // Read here rather than through settings/store, which sits above reporting's routes in the import graph.
  const [stored, counts, warnings] = await Promise.all([
    deps.db
      .selectFrom('location_settings')
      .select(['location_id', 'settings'])
      .where('location_id', 'in', ids)
      .execute(),
    sql<{
      location_id: string;
      sent: number;
      failed: number;
      doubled: number;
      address: string | null;
      test_call_at: Date | null;
    }>`
      select
        w.location_id,
        (select count(*)::int from run_steps s where s.location_id = w.location_id and s.action = 'sms'
           and s.state = 'done' and s.done_at >= ${since})
          -- And those retention folded into their run's row (src/retention/run-archive.ts: [step id, action,
          -- state, due, done (ms after the start), ...]). Only runs that began up to 30 days before the window are
          -- read: a text sent more than 30 days after its call is not counted once archived.
          + (select count(*)::int from runs r cross join lateral json_array_elements(r.archive->0) st
             where r.location_id = w.location_id and r.started_at >= ${archivedSince} and r.archive is not null
               and st->>1 = 'sms' and st->>2 = 'done'
               and ringback_ms_after(r.started_at, to_timestamp(0)) + (st->>4)::bigint >= ${since.getTime()}) as sent,
        (select count(*)::int from contact_events e where e.location_id = w.location_id
           and e.kind = 'delivery-failed' and e.at >= ${since}) as failed,
        (select count(*)::int from runs r where r.location_id = w.location_id and r.started_at >= ${since}
           and exists (select 1 from contact_events e where e.location_id = r.location_id
             and e.contact_id = r.contact_id and e.kind = 'other-automation'
             and e.at >= r.started_at and e.at <= r.started_at + interval '15 minutes')) as doubled,
        p.business_address as address,
        p.test_call_at
      from unnest(${ids}::text[]) as w(location_id)
      left join location_profiles p on p.location_id = w.location_id
    `.execute(deps.db),
    deps.db
      .selectFrom('location_warnings')
      .select(['location_id', 'code', 'occurrences', 'last_at'])
      .where('location_id', 'in', ids)
      .where('last_at', '>=', since)
      .execute(),
  ]);
  const settingsOf = new Map(
    stored.map((r) => [
      r.location_id,
      { ...defaultSettings(), ...((r.settings ?? {}) as object) } as ReturnType<typeof defaultSettings>,
    ]),
  );
  const links = [
    ...new Set(
      [...settingsOf.values()].map((s) => s.bookingLink).filter((l): l is string => typeof l === 'string' && !!l),
    ),
  ];
  const probed = new Map(
    await inBatches(
      links,
      PROBES_AT_ONCE,
      async (l) => [l, await (opts.waitForProbes ? probeCached(deps, l, now) : probeIfKnown(deps, l, now))] as const,
    ),
  );
  const countsOf = new Map(counts.rows.map((r) => [r.location_id, r]));
  for (const id of ids) {
    const settings = settingsOf.get(id) ?? defaultSettings();
    const row = countsOf.get(id);
    out.set(id, {
      now,
      settings,
      ghlNumbers: numbers.get(id) ?? null,
      bookingLink: settings.bookingLink ? (probed.get(settings.bookingLink) ?? null) : null,
      businessAddress: row?.address ?? null,
      a2pWarnings: warnings
        .filter((w) => w.location_id === id)
        .map((w) => ({ code: w.code, occurrences: w.occurrences, lastAt: new Date(w.last_at) })),
      textsSent: Number(row?.sent ?? 0),
      textsFailed: Number(row?.failed ?? 0),
      otherAutomationAfterMissed: Number(row?.doubled ?? 0),
      lastTestCallAt: row?.test_call_at ? new Date(row.test_call_at) : null,
    });
  }
  return out;
}

/** The checks of one location, for the page and the agency portfolio. */
export async function setupReport(
  deps: SetupDeps,
  locationId: string,
  opts: { numbers?: string[] | null } = {},
): Promise<SetupReport> {
  return setupChecks(await loadSetupFacts(deps, locationId, opts));
}

async function ghlNumbers(ghl: GhlApi | undefined, locationId: string): Promise<string[] | null> {
  if (!ghl) return null;
  try {
    return (await ghl.listPhoneNumbers(locationId)).map((n) => n.phoneNumber);
  } catch {
    return null;
  }
}

function probeCached(deps: SetupDeps, link: string, now: Date): Promise<ProbeResult> {
  // A probe of the caller's own (a test's, the demo's) is asked every time.
  if (deps.probe) return deps.probe(link);
  const hit = probes.get(link);
  if (hit && now.getTime() - hit.at < PROBE_TTL_MS) return hit.result;
  const entry: { at: number; result: Promise<ProbeResult>; settled: ProbeResult | null } = {
    at: now.getTime(),
    result: probeLink(link),
    settled: null,
  };
  entry.result.then(
    (r) => {
      entry.settled = r;
    },
    () => undefined,
  );
  setBounded(probes, link, entry, 2_000);
  return entry.result;
}

/**
 * The link's probe if one has answered within the cache's 10 minutes, else null (not known yet) with a probe
 * started for the next time: a page over many sub-accounts never waits on their owners' sites.
 */
async function probeIfKnown(deps: SetupDeps, link: string, now: Date): Promise<ProbeResult | null> {
  if (deps.probe) return deps.probe(link);
  const hit = probes.get(link);
  if (hit && now.getTime() - hit.at < PROBE_TTL_MS) return hit.settled;
  probeCached(deps, link, now).catch(() => undefined);
  return null;
}

async function inBatches<T, R>(items: readonly T[], size: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  return out;
}
