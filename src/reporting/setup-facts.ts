/**
 * The facts the setup checker (setup-check.ts) judges, read for one location: its settings, its numbers in GHL,
 * the booking link probed (cached 10 minutes per link), its business address, the last 30 days of texts and
 * carrier errors, other automations texting missed callers, and its last test call. The agency portfolio
 * calls `setupReport` per sub-account.
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
const probes = new Map<string, { at: number; result: Promise<ProbeResult> }>();

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
  const now = deps.clock.now();
  const since = new Date(now.getTime() - 30 * DAY_MS);
  // Read here rather than through settings/store, which sits above reporting's routes in the import graph.
  const stored = await deps.db
    .selectFrom('location_settings')
    .select('settings')
    .where('location_id', '=', locationId)
    .executeTakeFirst();
  const settings = { ...defaultSettings(), ...((stored?.settings ?? {}) as object) } as ReturnType<
    typeof defaultSettings
  >;
  const [numbers, bookingLink, counts, warnings] = await Promise.all([
    opts.numbers !== undefined ? opts.numbers : ghlNumbers(deps.ghl, locationId),
    settings.bookingLink ? probeCached(deps, settings.bookingLink, now) : null,
    sql<{ sent: number; failed: number; doubled: number; address: string | null; test_call_at: Date | null }>`
      select
        (select count(*)::int from run_steps s where s.location_id = ${locationId} and s.action = 'sms'
           and s.state = 'done' and s.done_at >= ${since}) as sent,
        (select count(*)::int from contact_events e where e.location_id = ${locationId}
           and e.kind = 'delivery-failed' and e.at >= ${since}) as failed,
        (select count(*)::int from runs r where r.location_id = ${locationId} and r.started_at >= ${since}
           and exists (select 1 from contact_events e where e.location_id = r.location_id
             and e.contact_id = r.contact_id and e.kind = 'other-automation'
             and e.at >= r.started_at and e.at <= r.started_at + interval '15 minutes')) as doubled,
        (select p.business_address from location_profiles p where p.location_id = ${locationId}) as address,
        (select p.test_call_at from location_profiles p where p.location_id = ${locationId}) as test_call_at
    `.execute(deps.db),
    deps.db
      .selectFrom('location_warnings')
      .select(['code', 'occurrences', 'last_at'])
      .where('location_id', '=', locationId)
      .where('last_at', '>=', since)
      .execute(),
  ]);
  const row = counts.rows[0];
  return {
    now,
    settings,
    ghlNumbers: numbers,
    bookingLink,
    businessAddress: row?.address ?? null,
    a2pWarnings: warnings.map((w) => ({ code: w.code, occurrences: w.occurrences, lastAt: new Date(w.last_at) })),
    textsSent: Number(row?.sent ?? 0),
    textsFailed: Number(row?.failed ?? 0),
    otherAutomationAfterMissed: Number(row?.doubled ?? 0),
    lastTestCallAt: row?.test_call_at ? new Date(row.test_call_at) : null,
  };
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
  const result = probeLink(link);
  setBounded(probes, link, { at: now.getTime(), result }, 2_000);
  return result;
}
