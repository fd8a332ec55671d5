import { type KyselyPlugin, sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ManualClock } from '../../src/clock.js';
import type { Db } from '../../src/db/create-db.js';
import { INTAKE_KINDS, type LaneName } from '../../src/jobs/lanes.js';
import { enqueueJob, type Executor } from '../../src/jobs/queries.js';
import { createRegistry, defineJob } from '../../src/jobs/registry.js';
import { createWorker } from '../../src/jobs/worker.js';
import { freshDb } from '../helpers/db.js';
import { watchEventLoop } from '../helpers/event-loop.js';
import { silentLogger } from '../helpers/logger.js';
import { connectPlanning, type PlannerChoice } from '../helpers/planner.js';

// Issue 19: a worker handed more jobs than it had slots looped without awaiting and froze the process. Here the
// real worker runs slow jobs of both lanes while more keep arriving. Checked with the old claim form put back:
// under the rescanning planner the lanes ran more jobs than their slots and this failed; with the old worker's
// loop as well (it slept only when exactly no slot was free) the process froze, and only the watchdog of
// test/helpers/event-loop.ts, on a thread of its own, ends the run (as a failure) instead of leaving it hung.

const NOW = new Date('2026-03-02T12:00:00Z');
const SLOTS: Record<LaneName, number> = { intake: 2, outbound: 6 };
const POLL_MS = 50;
const FEED_MS = 1_500;
const KINDS: Record<LaneName, string> = { intake: INTAKE_KINDS[0]!, outbound: 'step.slow' };

const opened: Db[] = [];
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
  for (const db of opened.splice(0).reverse()) await db.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Counts the claim statements the worker sends (the only ones that skip locked rows). */
function countClaims(): { plugin: KyselyPlugin; count: () => number } {
  let claims = 0;
  return {
    plugin: {
      transformQuery({ node }) {
        if (node.kind === 'RawNode' && node.sqlFragments.some((f) => f.includes('skip locked'))) claims++;
        return node;
      },
      async transformResult({ result }) {
        return result;
      },
    },
    count: () => claims,
  };
}

async function enqueue(db: Executor, lane: LaneName, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await enqueueJob(db, { kind: KINDS[lane], payload: {}, runAt: NOW }, NOW);
}

async function runningByLane(db: Executor): Promise<Record<LaneName, number>> {
  const { rows } = await sql<{ intake: number; outbound: number }>`
    select count(*) filter (where kind = ${KINDS.intake})::int as intake,
      count(*) filter (where kind <> ${KINDS.intake})::int as outbound
    from jobs where state = 'running'`.execute(db);
  return rows[0] ?? { intake: 0, outbound: 0 };
}

describe.each<PlannerChoice>(['own choice', 'rescanning'])('the worker under load, planner: %s', (choice) => {
  it('never runs more jobs of a lane than its slots, runs each once, claims only when a slot is free, and the event loop keeps answering', async () => {
    const main = await freshDb();
    opened.push(main);
    const conn = await connectPlanning(main, choice, 4);
    opened.push(conn);
    const claims = countClaims();

    const inFlight: Record<LaneName, number> = { intake: 0, outbound: 0 };
    const most: Record<LaneName, number> = { intake: 0, outbound: 0 };
    const runs = new Map<number, number>();
    const slow = (lane: LaneName) =>
      defineJob({
        kind: KINDS[lane],
        schema: z.object({}),
        async handle(_p, job) {
          runs.set(job.id, (runs.get(job.id) ?? 0) + 1);
          most[lane] = Math.max(most[lane], ++inFlight[lane]);
          await sleep(5 + (job.id % 20));
          inFlight[lane]--;
          return undefined;
        },
      });
    const worker = createWorker({
      db: conn.db.withPlugin(claims.plugin),
      registry: createRegistry([slow('intake'), slow('outbound')]),
      clock: new ManualClock(NOW),
      logger: silentLogger,
      concurrency: SLOTS.outbound,
      intakeConcurrency: SLOTS.intake,
      pollMs: POLL_MS,
    });

    const loop = watchEventLoop(`the worker under load, planner: ${choice}`);
    stops.push(() => loop.stop());

    // A backlog that fills every slot at once, then both lanes' jobs arriving faster than the slots run them.
    await enqueue(main.db, 'intake', 10);
    await enqueue(main.db, 'outbound', 30);
    const started = Date.now();
    worker.start();
    stops.push(() => worker.stop());
    let wakes = 0;
    const mostRunning: Record<LaneName, number> = { intake: 0, outbound: 0 };
    while (Date.now() - started < FEED_MS) {
      await enqueue(main.db, 'intake', 1);
      await enqueue(main.db, 'outbound', 3);
      worker.wake();
      wakes++;
      const running = await runningByLane(main.db);
      for (const lane of ['intake', 'outbound'] as const)
        mostRunning[lane] = Math.max(mostRunning[lane], running[lane]);
      await sleep(10);
    }
    for (let left = 1; left > 0 && Date.now() - started < 20_000; await sleep(20)) {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from jobs where state <> 'done'`.execute(
        main.db,
      );
      left = rows[0]?.n ?? 0;
    }
    await worker.stop();
    await loop.stop();
    const elapsedMs = Date.now() - started;

    // Each lane filled its slots (the test loaded it) and never held more, by the handlers' count and the rows'.
    expect(most).toEqual(SLOTS);
    expect(mostRunning.intake).toBeLessThanOrEqual(SLOTS.intake);
    expect(mostRunning.outbound).toBeLessThanOrEqual(SLOTS.outbound);
    const total = await sql<{ n: number }>`select count(*)::int as n from jobs where state = 'done'`.execute(main.db);
    expect(runs.size).toBe(total.rows[0]?.n);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    // A lane claims again only after a claim that filled its free slots, a job of its own finishing, a wake() or
    // a poll going by; a lane claiming with no slot free would send claims by the thousand a second.
    const pollsPerLane = elapsedMs / POLL_MS + 2;
    expect(claims.count()).toBeLessThanOrEqual(2 * runs.size + 2 * wakes + 2 * pollsPerLane);
    // Liveness, not speed: a frozen loop stops the timer for good. Three seconds cover a loaded machine's pauses
    // (PGlite runs on this thread and compiles its WebAssembly at its first statements: 0.8 s seen).
    expect(loop.longestGap()).toBeLessThan(3_000);
  }, 30_000);
});
