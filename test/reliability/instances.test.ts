import { afterAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/create-db.js';
import { localParts } from '../../src/core/timezone.js';
import type { LocationSeed, Sandbox } from '../../src/sandbox/index.js';
import { freshPostgresUrl, onPostgres } from '../helpers/db.js';
import { audit, digestContactIds, report, waitForQuiet } from './audit.js';
import { RingbackChild } from './child.js';
import { Feeder } from './feed.js';
import {
  adsLine,
  callerPhone,
  fastSettings,
  installLocations,
  openDb,
  rep1,
  rep2,
  sleep,
  startRealTimeSandbox,
} from './fleet.js';

const INSTANCES = 3;
const LOCATIONS = 20;
const CALLS = 500;
const RECIPIENTS = ['owner@example.com', 'manager@example.com'];

let sandbox: Sandbox | undefined;
const children: RingbackChild[] = [];
let db: Db | undefined;
afterAll(async () => {
  await Promise.all(children.map((c) => c.stop()));
  await db?.close();
  await sandbox?.close();
});

/** The digest time: the current minute in the location's zone, so the next node-cron tick (<= 60 s) sends it. */
/** The current minute on the clock the digest is scheduled by: the settings' zone, else the location's. */
function digestNow(l: LocationSeed): string {
  const now = localParts(new Date(), fastSettings(l).timezone ?? l.location.timezone).minute;
  // Just before midnight the day's window would close before a tick: aim at the new day's first minute instead.
  const minute = now >= 1437 ? 0 : now;
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}

/** Jobs a process ran to completion, from its own /metrics. */
function jobsDone(child: RingbackChild): Promise<number> {
  return child.counter('ringback_jobs_total', 'outcome="done"');
}

async function waitForDigests(timeoutMs: number): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const rows = await db!.db.selectFrom('digests').select(['sent_at']).execute();
    const sent = rows.filter((r) => r.sent_at !== null).length;
    if (sent >= LOCATIONS || Date.now() > until) return sent;
    await sleep(1000);
  }
}

describe.skipIf(!onPostgres)('three instances on one Postgres', () => {
  it('share 500 calls with no duplicate send, keep round-robin fair and send each digest once', async () => {
    const started = Date.now();
    sandbox = await startRealTimeSandbox();
    const databaseUrl = await freshPostgresUrl();
    db = await openDb(databaseUrl);
    for (let i = 0; i < INSTANCES; i++) children.push(await RingbackChild.start({ sandbox, databaseUrl }));
    const first = children[0]!;
    sandbox.setAppBaseUrl(first.url);
    const locations = await installLocations(sandbox, db, first.url, LOCATIONS, (l) =>
      fastSettings(l, { digest: { enabled: true, at: digestNow(l), recipients: RECIPIENTS } }),
    );
    // Saved an hour ago: a digest switched on after today's time would rightly wait for tomorrow.
    await db.db
      .updateTable('location_settings')
      .set({ updated_at: new Date(Date.now() - 3_600_000) })
      .execute();
    // Webhooks reach the three in turn, as behind a load balancer.
    const feeder = new Feeder(sandbox, () => children.map((c) => c.url));
    await feeder.feed(CALLS, 20, (i) => {
      const index = i % LOCATIONS;
      const l = locations[index]!;
      return { locationId: l.location.id, from: callerPhone(index, i), to: adsLine(l) };
    });
    await feeder.redeliverUntilAccepted();
    const settleMs = await waitForQuiet(db, 150_000);
    const digestsSent = await waitForDigests(75_000);
    await waitForQuiet(db, 30_000);
    const a = await audit(db, sandbox, feeder.calls);

    const split = locations.map((l) => {
      const tasks = sandbox!.store.tasks(l.location.id);
      return [
        tasks.filter((t) => t.assignedTo === rep1(l)).length,
        tasks.filter((t) => t.assignedTo === rep2(l)).length,
      ];
    });
    const worstSplit = Math.max(...split.map(([x = 0, y = 0]) => Math.abs(x - y)));
    const digestEmails = locations.flatMap((l) =>
      digestContactIds(sandbox!, l.location.id).map(
        (id) => sandbox!.store.messages(l.location.id, id).filter((m) => m.direction === 'outbound').length,
      ),
    );
    const jobsPerInstance = await Promise.all(children.map(jobsDone));
    report('instances', {
      instances: INSTANCES,
      locations: LOCATIONS,
      callsFed: CALLS,
      ...feeder.figures(),
      jobsPerInstance,
      outcomesRecorded: a.missedCallRows - a.withoutOutcome,
      stepStates: a.stepStates,
      duplicatesFound: a.duplicateMessages + a.duplicateTasks + a.callsNotRecordedOnce.length,
      tasksPerRep: `${Math.min(...split.flat())}-${Math.max(...split.flat())}`,
      worstRoundRobinSplit: worstSplit,
      digestsSent,
      digestEmails: digestEmails.length,
      digestEmailsDuplicated: digestEmails.filter((n) => n > 1).length,
      settleSeconds: Math.round(settleMs / 100) / 10,
      totalSeconds: Math.round((Date.now() - started) / 1000),
    });

    expect(a.callsNotRecordedOnce).toEqual([]);
    expect(a.withoutOutcome).toBe(0);
    expect(a.stepStates).toEqual({ done: CALLS * 3 });
    expect({ messages: a.duplicateMessages, tasks: a.duplicateTasks }).toEqual({ messages: 0, tasks: 0 });
    expect(a.messagesSent).toBe(CALLS * 2);
    // Every instance did part of the work: there is no leader.
    for (const n of jobsPerInstance) expect(n).toBeGreaterThan(0);
    // 25 leads per location over two reps: 12/13, whichever instance assigned them.
    expect(worstSplit).toBeLessThanOrEqual(1);
    expect(split.flat().reduce((x, y) => x + y, 0)).toBe(CALLS);
    // One digest per location, one email per recipient, across three instances ticking every minute.
    expect(digestsSent).toBe(LOCATIONS);
    expect(digestEmails).toEqual(Array(LOCATIONS * RECIPIENTS.length).fill(1));
  });
});
