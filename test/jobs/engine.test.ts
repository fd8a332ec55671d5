import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ManualClock } from '../../src/clock.js';
import type { Db } from '../../src/db/create-db.js';
import { PermanentJobError, RetryAtError } from '../../src/jobs/errors.js';
import { claimJobs, enqueueJob } from '../../src/jobs/queries.js';
import { createRegistry, defineJob } from '../../src/jobs/registry.js';
import { createWorker } from '../../src/jobs/worker.js';
import { freshDb } from '../helpers/db.js';
import { silentLogger } from '../helpers/logger.js';

let db: Db;
let clock: ManualClock;
const ran: Array<{ kind: string; n: number; at: string }> = [];

const registry = createRegistry([
  defineJob({
    kind: 'note',
    schema: z.object({ n: z.number() }),
    async handle(p) {
      ran.push({ kind: 'note', n: p.n, at: clock.now().toISOString() });
    },
  }),
  defineJob({
    kind: 'flaky',
    schema: z.object({ n: z.number() }),
    maxAttempts: 3,
    async handle(p) {
      throw new Error(`boom ${p.n}`);
    },
  }),
  defineJob({
    kind: 'limited',
    schema: z.object({ until: z.string() }),
    async handle(p) {
      if (clock.now() < new Date(p.until)) throw new RetryAtError(new Date(p.until), 'GHL 429');
      ran.push({ kind: 'limited', n: 0, at: clock.now().toISOString() });
    },
  }),
  defineJob({
    kind: 'fatal',
    schema: z.object({}),
    async handle() {
      throw new PermanentJobError('cannot ever work');
    },
  }),
]);

function worker(id = 'w1') {
  return createWorker({ db: db.db, registry, clock, logger: silentLogger, workerId: id, staleAfterMs: 60_000 });
}

async function job(id: number) {
  return db.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

// One database per file keeps the suite fast; each test starts from an empty jobs table.
beforeAll(async () => {
  db = await freshDb();
});
beforeEach(async () => {
  await db.db.deleteFrom('jobs').execute();
  clock = new ManualClock('2026-03-02T12:00:00Z');
  ran.length = 0;
});
afterAll(async () => {
  await db.close();
});

describe('job engine', () => {
  it('does not run a delayed job before its time, and runs it once after', async () => {
    await enqueueJob(db.db, { kind: 'note', payload: { n: 1 }, runAt: new Date('2026-03-02T12:02:00Z') }, clock.now());
    const w = worker();
    expect(await w.drain()).toBe(0);
    clock.advance(119_000);
    expect(await w.drain()).toBe(0);
    clock.advance(1_000);
    expect(await w.drain()).toBe(1);
    clock.advance(3_600_000);
    expect(await w.drain()).toBe(0);
    expect(ran).toEqual([{ kind: 'note', n: 1, at: '2026-03-02T12:02:00.000Z' }]);
  });

  it('enqueues the same unique key once, even inside two transactions', async () => {
    const a = await db.db
      .transaction()
      .execute((trx) =>
        enqueueJob(trx, { kind: 'note', payload: { n: 1 }, runAt: clock.now(), uniqueKey: 'k' }, clock.now()),
      );
    const b = await enqueueJob(
      db.db,
      { kind: 'note', payload: { n: 2 }, runAt: clock.now(), uniqueKey: 'k' },
      clock.now(),
    );
    expect(a).toBeTypeOf('number');
    expect(b).toBeNull();
    await worker().drain();
    expect(ran.map((r) => r.n)).toEqual([1]);
  });

  it('an enqueue inside a rolled-back transaction leaves no job', async () => {
    await expect(
      db.db.transaction().execute(async (trx) => {
        await enqueueJob(trx, { kind: 'note', payload: { n: 9 }, runAt: clock.now() }, clock.now());
        throw new Error('caller failed');
      }),
    ).rejects.toThrow('caller failed');
    expect(await worker().drain()).toBe(0);
  });

  it('backs off exponentially after failures and ends in dead-letter with the last error', async () => {
    const id = (await enqueueJob(db.db, { kind: 'flaky', payload: { n: 7 }, runAt: clock.now() }, clock.now()))!;
    const w = worker();
    await w.drain();
    let row = await job(id);
    expect(row.state).toBe('pending');
    expect(row.attempts).toBe(1);
    const firstDelay = row.run_at.getTime() - clock.now().getTime();
    expect(firstDelay).toBeGreaterThanOrEqual(2_000);
    expect(firstDelay).toBeLessThanOrEqual(2_500);
    clock.set(row.run_at);
    await w.drain();
    row = await job(id);
    const secondDelay = row.run_at.getTime() - clock.now().getTime();
    expect(secondDelay).toBeGreaterThanOrEqual(4_000);
    expect(secondDelay).toBeLessThanOrEqual(5_000);
    clock.set(row.run_at);
    await w.drain();
    row = await job(id);
    expect(row.state).toBe('dead');
    expect(row.attempts).toBe(3);
    expect(row.last_error).toBe('boom 7');
    clock.advance(86_400_000);
    expect(await w.drain()).toBe(0);
  });

  it('a permanent error goes straight to dead-letter; an unknown kind too', async () => {
    const a = (await enqueueJob(db.db, { kind: 'fatal', payload: {}, runAt: clock.now() }, clock.now()))!;
    const b = (await enqueueJob(db.db, { kind: 'nope', payload: {}, runAt: clock.now() }, clock.now()))!;
    await worker().drain();
    expect((await job(a)).state).toBe('dead');
    expect((await job(b)).last_error).toMatch(/no handler for job kind nope/);
  });

  it('reschedules at the time a 429 names, without spending an attempt', async () => {
    const id = (await enqueueJob(
      db.db,
      { kind: 'limited', payload: { until: '2026-03-02T12:00:30Z' }, runAt: clock.now() },
      clock.now(),
    ))!;
    const w = worker();
    await w.drain();
    const row = await job(id);
    expect(row.state).toBe('pending');
    expect(row.attempts).toBe(0);
    expect(row.run_at.toISOString()).toBe('2026-03-02T12:00:30.000Z');
    clock.advance(30_000);
    await w.drain();
    expect(ran).toEqual([{ kind: 'limited', n: 0, at: '2026-03-02T12:00:30.000Z' }]);
  });

  it('picks up a job locked by a worker that died', async () => {
    const id = (await enqueueJob(db.db, { kind: 'note', payload: { n: 3 }, runAt: clock.now() }, clock.now()))!;
    // A worker claims it and dies before finishing (no complete, no fail).
    expect(await claimJobs(db.db, { workerId: 'dead-worker', now: clock.now(), limit: 10 })).toHaveLength(1);
    const w = worker('w2');
    expect(await w.drain()).toBe(0);
    clock.advance(61_000);
    expect(await w.drain()).toBe(1);
    expect(ran.map((r) => r.n)).toEqual([3]);
    const row = await job(id);
    expect(row.state).toBe('done');
    expect(row.attempts).toBe(2);
  });

  it('stop() waits for the jobs in hand', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let finished = false;
    const slow = createRegistry([
      defineJob({
        kind: 'slow',
        schema: z.object({}),
        async handle() {
          await gate;
          finished = true;
        },
      }),
    ]);
    const id = (await enqueueJob(db.db, { kind: 'slow', payload: {}, runAt: clock.now() }, clock.now()))!;
    const w = createWorker({ db: db.db, registry: slow, clock, logger: silentLogger, pollMs: 5 });
    w.start();
    while ((await job(id)).state !== 'running') await new Promise((r) => setTimeout(r, 5));
    const stopped = w.stop();
    release();
    await stopped;
    expect(finished).toBe(true);
    expect((await job(id)).state).toBe('done');
  });

  it('records the jobs of a busy round as done in a few statements, not one each', async () => {
    for (let n = 0; n < 40; n++)
      await enqueueJob(db.db, { kind: 'note', payload: { n }, runAt: clock.now() }, clock.now());
    let completions = 0;
    const counted = db.db.withPlugin({
      transformQuery({ node }) {
        if (/update jobs set state = 'done'/.test(JSON.stringify(node))) completions += 1;
        return node;
      },
      transformResult: async ({ result }) => result,
    });
    const w = createWorker({ db: counted, registry, clock, logger: silentLogger, workerId: 'w-batch', concurrency: 8 });
    expect(await w.drain()).toBe(40);
    const states = await db.db.selectFrom('jobs').select('state').execute();
    expect(states.filter((r) => r.state === 'done')).toHaveLength(40);
    expect(new Set(ran.map((r) => r.n)).size).toBe(40);
    expect(completions).toBeGreaterThan(0);
    expect(completions).toBeLessThanOrEqual(10);
  });

  it('compares due times with <= so a job due exactly now is visible', async () => {
    await enqueueJob(db.db, { kind: 'note', payload: { n: 5 }, runAt: clock.now() }, clock.now());
    const due = await sql<{ n: number }>`select count(*)::int as n from jobs where run_at <= ${clock.now()}`.execute(
      db.db,
    );
    expect(due.rows[0]?.n).toBe(1);
    expect(await worker().drain()).toBe(1);
  });
});
