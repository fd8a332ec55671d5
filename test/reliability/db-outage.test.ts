import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { onPostgres } from '../helpers/db.js';
import { audit, report, waitForQuiet } from './audit.js';
import { Feeder } from './feed.js';
import { oneProcess } from './one-process.js';
import { adsLine, callerPhone, sleep } from './fleet.js';

const LOCATIONS = 4;
const OUTAGE_MS = 10_000;
/**
 * GHL redelivers a 429 about 10 minutes later with the original `timestamp` (docs/ghl-webhooks.md). Ringback runs
 * on the system clock here, so a redelivery can only be as old as the real time waited. The sandbox's clock runs
 * LAG behind Ringback's and redelivers REDELIVERY_MS after a 429 on it: every redelivered timestamp is then
 * more than 5 minutes old when it arrives, as GHL's are (the old 5-minute window refused exactly these), while a
 * first delivery is 4 minutes old and still inside that old window. Two minutes of test instead of ten.
 */
const LAG_MS = 4 * 60_000;
const REDELIVERY_MS = 75_000;
const laggingClock: Clock = { now: () => new Date(Date.now() - LAG_MS) };
const PG_CTL = '/usr/bin/pg_ctlcluster';
// Stopping the server needs the local cluster and the right to control it (root here; not in every CI).
const canStopPostgres =
  onPostgres &&
  existsSync(PG_CTL) &&
  process.getuid?.() === 0 &&
  /@(127\.0\.0\.1|localhost)[:/]/.test(process.env.DATABASE_URL ?? '');

function pgctl(action: 'start' | 'stop'): void {
  execFileSync(PG_CTL, ['--skip-systemctl-redirect', '15', 'main', action], { stdio: 'pipe' });
}

/**
 * A detached shell that starts the server again after `seconds` whatever happens to this process: if the runner
 * died during the outage, Postgres must not stay down for everyone else on the machine.
 */
function watchdog(seconds: number): void {
  spawn('sh', ['-c', `sleep ${seconds}; ${PG_CTL} --skip-systemctl-redirect 15 main start >/dev/null 2>&1 || true`], {
    detached: true,
    stdio: 'ignore',
  }).unref();
}

function isPostgresUp(): boolean {
  try {
    execFileSync('pg_isready', ['-h', '127.0.0.1', '-p', '5432'], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
}

const start = oneProcess(() => {
  if (canStopPostgres && !isPostgresUp()) pgctl('start');
});

describe.skipIf(!canStopPostgres)('Postgres outage', () => {
  it('webhooks get 429 or are stored, /readyz says 503 then 200, and the process recovers without a restart', async () => {
    const {
      sandbox,
      db,
      child: c,
      locations,
    } = await start({
      locations: LOCATIONS,
      env: { JOB_STALE_AFTER_MS: '10000' },
      sandbox: { clock: laggingClock, redeliveryDelayMs: REDELIVERY_MS, redeliveryJitterMs: 5_000 },
    });
    const feeder = new Feeder(sandbox, () => [c.url]);
    const callOf = (i: number) => {
      const l = locations[i % LOCATIONS]!;
      return { locationId: l.location.id, from: callerPhone(70 + (i % LOCATIONS), i), to: adsLine(l) };
    };
    const phase = { now: 'before' as 'before' | 'during' | 'after' };
    const readiness: Record<string, Record<string, number>> = { before: {}, during: {}, after: {} };
    let probing = true;
    const probe = (async () => {
      while (probing) {
        const at = phase.now;
        const status = String((await fetch(`${c.url}/readyz`).catch(() => null))?.status ?? 0);
        readiness[at]![status] = (readiness[at]![status] ?? 0) + 1;
        await sleep(250);
      }
    })();

    // Calls keep coming before, during and after the outage: 100 over about 20 s.
    const feeding = feeder.feed(100, 200, callOf, 16);
    await sleep(3000);
    watchdog(OUTAGE_MS / 1000 + 20);
    try {
      pgctl('stop');
      phase.now = 'during';
      await sleep(OUTAGE_MS);
    } finally {
      pgctl('start');
    }
    phase.now = 'after';
    await feeding;
    // No help from the test: only the sandbox's own redeliveries of the 429s, on its clock.
    const deadline = Date.now() + REDELIVERY_MS + 60_000;
    while (sandbox.pendingRedeliveries().length > 0 && Date.now() < deadline) await sleep(500);
    await sandbox.redeliverDue();
    const settleMs = await waitForQuiet(db, 90_000);
    await sleep(1000);
    probing = false;
    await probe;
    const a = await audit(db, sandbox, feeder.calls);
    const deliveries = feeder.calls.map((call) => call.delivery);
    const statuses: Record<string, number> = {};
    for (const at of deliveries.flatMap((d) => d.attempts))
      statuses[String(at.status)] = (statuses[String(at.status)] ?? 0) + 1;
    const redelivered = deliveries.filter((d) => d.attempts.length > 1);
    // How old each redelivered timestamp was by Ringback's clock when the sandbox's redelivery arrived.
    const agesMs = redelivered.map(
      (d) => d.attempts.at(-1)!.at.getTime() + LAG_MS - Date.parse(String(d.event['timestamp'])),
    );
    const lost = deliveries.filter((d) => !d.ok).length;
    report('db-outage', {
      outageSeconds: OUTAGE_MS / 1000,
      callsFed: feeder.calls.length,
      webhookAnswers: statuses,
      callsRedelivered: redelivered.length,
      redeliveredAgeSeconds: {
        min: Math.round(Math.min(...agesMs) / 1000),
        max: Math.round(Math.max(...agesMs) / 1000),
      },
      lost,
      readiness,
      processStarts: c.starts,
      outcomesRecorded: a.missedCallRows - a.withoutOutcome,
      stepStates: a.stepStates,
      duplicatesFound: a.duplicateMessages + a.duplicateTasks + a.callsNotRecordedOnce.length,
      settleSeconds: Math.round(settleMs / 100) / 10,
    });

    // Never a 5xx: stored (200) or "deliver again later" (429), and the process stayed up throughout.
    expect(Object.keys(statuses).sort()).toEqual(['200', '429']);
    // Every 429'd call came back from the sandbox's own redelivery, its timestamp over 5 minutes old, and none was lost.
    expect(redelivered.length).toBeGreaterThan(0);
    expect(Math.min(...agesMs)).toBeGreaterThan(5 * 60_000);
    expect(lost).toBe(0);
    expect(c.starts).toBe(1);
    expect(c.ready).toBe(true);
    expect(readiness.during!['503']).toBeGreaterThan(0);
    expect(readiness.during!['200'] ?? 0).toBeLessThanOrEqual(1);
    expect(readiness.after!['200']).toBeGreaterThan(0);
    // Everything accepted was processed once, and every step ran once.
    expect(a.callsNotRecordedOnce).toEqual([]);
    expect(a.withoutOutcome).toBe(0);
    expect(a.stepStates).toEqual({ done: feeder.calls.length * 3 });
    expect({ messages: a.duplicateMessages, tasks: a.duplicateTasks }).toEqual({ messages: 0, tasks: 0 });
  });
});
