import { describe, expect, it } from 'vitest';
import { onPostgres } from '../helpers/db.js';
import { audit, inFlight, report, waitForQuiet } from './audit.js';
import { Feeder } from './feed.js';
import { adsLine, callerPhone, seededRandom, sleep } from './fleet.js';
import { oneProcess } from './one-process.js';

const LOCATIONS = 20;
const CALLS = 500;
const PACE_MS = 40;
const KILLS_DURING_INGESTION = 3;
const KILLS_DURING_SENDING = 2;
const SEED = Number(process.env.RELIABILITY_SEED ?? Date.now() % 1_000_000);

const start = oneProcess();

describe.skipIf(!onPostgres)('kill -9 under load', () => {
  it('500 missed calls, 5 kills: every call recorded once with an outcome, every due step ran, nothing sent twice', async () => {
    const started = Date.now();
    const random = seededRandom(SEED);
    // Jobs locked by a killed process come back after 10 s instead of the production 5 min.
    const {
      sandbox,
      db,
      child: c,
      locations,
    } = await start({
      locations: LOCATIONS,
      env: { JOB_STALE_AFTER_MS: '10000' },
    });
    const feeder = new Feeder(sandbox, () => [c.url]);
    const orphaned = { jobsRunning: 0, stepsSending: 0 };
    const killOnce = async () => {
      await c.kill9();
      const left = await inFlight(db!);
      orphaned.jobsRunning += left.jobsRunning;
      orphaned.stepsSending += left.stepsSending;
      await c.start();
    };

    // GHL-like redelivery of whatever a dead process did not accept, all along.
    let chaos = true;
    const redelivering = (async () => {
      while (chaos) {
        await sleep(500);
        if (c.ready) await feeder.redeliverOnce();
      }
    })();
    const feeding = feeder.feed(CALLS, PACE_MS, (i) => {
      const index = i % LOCATIONS;
      const l = locations[index]!;
      return { locationId: l.location.id, from: callerPhone(index, i), to: adsLine(l) };
    });
    const slice = (CALLS * PACE_MS) / KILLS_DURING_INGESTION;
    for (let k = 0; k < KILLS_DURING_INGESTION; k++) {
      await sleep(500 + random() * (slice - 2500));
      await killOnce();
    }
    await feeding;
    // Then while steps are being sent: wait for an intent in flight (written, GHL not yet confirmed) and kill.
    for (let k = 0; k < KILLS_DURING_SENDING; k++) {
      await sleep(random() * 1500);
      const until = Date.now() + 3000;
      while (Date.now() < until && (await inFlight(db)).stepsSending === 0) await sleep(10);
      await killOnce();
    }
    chaos = false;
    await redelivering;
    await feeder.redeliverUntilAccepted();
    const settleMs = await waitForQuiet(db, 150_000);
    const a = await audit(db, sandbox, feeder.calls);
    const runs = await db.db.selectFrom('runs').select(['id']).execute();
    const figures = {
      seed: SEED,
      locations: LOCATIONS,
      callsFed: CALLS,
      crashes: c.kills,
      orphanedAtKills: orphaned,
      ...feeder.figures(),
      missedCallRows: a.missedCallRows,
      runs: runs.length,
      outcomesRecorded: a.missedCallRows - a.withoutOutcome,
      outcomes: a.outcomes,
      stepStates: a.stepStates,
      stepsReconciledAfterCrash: a.stepsReconciled,
      messagesSent: a.messagesSent,
      tasksCreated: a.tasksCreated,
      duplicatesFound: a.duplicateMessages + a.duplicateTasks + a.callsNotRecordedOnce.length,
      deadJobs: a.deadJobs,
      settleSeconds: Math.round(settleMs / 100) / 10,
      totalSeconds: Math.round((Date.now() - started) / 1000),
    };
    report('crash', figures);

    expect(c.kills).toBe(KILLS_DURING_INGESTION + KILLS_DURING_SENDING);
    expect(feeder.calls).toHaveLength(CALLS);
    // One missed_calls row per call: no webhook lost, none processed twice (redeliveries were absorbed).
    expect(a.callsNotRecordedOnce).toEqual([]);
    expect(a.missedCallRows).toBe(CALLS);
    expect(a.inboxUnprocessed).toBe(0);
    // Every call ended in an outcome; every due step ran to a final state, and none failed.
    expect(a.withoutOutcome).toBe(0);
    expect(a.stepStates).toEqual({ done: CALLS * 3 });
    expect(a.deadJobs).toBe(0);
    // GHL received each message and task exactly once.
    expect({ messages: a.duplicateMessages, tasks: a.duplicateTasks }).toEqual({ messages: 0, tasks: 0 });
    expect(a.messagesSent).toBe(CALLS * 2);
    expect(a.tasksCreated).toBe(CALLS);
  });
});
