/**
 * When the worker keeps a slot for a hand-off (src/jobs/worker.ts reserve): never while the lane's last claim
 * filled every slot (due jobs wait: a hand-off would jump the queue). Checked failing without the rule.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { systemClock } from '../../src/clock.js';
import type { Db } from '../../src/db/create-db.js';
import { enqueueJob } from '../../src/jobs/queries.js';
import { createRegistry, defineJob } from '../../src/jobs/registry.js';
import { createWorker, type Worker, type WorkerOptions } from '../../src/jobs/worker.js';
import { freshDb } from '../helpers/db.js';
import { silentLogger } from '../helpers/logger.js';

const opened: Db[] = [];
const workers: Worker[] = [];
afterEach(async () => {
  for (const w of workers.splice(0)) await w.stop();
  for (const db of opened.splice(0)) await db.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A worker of `slots` outbound slots whose jobs wait for `open()`. */
async function setup(slots: number, onBacklog?: WorkerOptions['onBacklog']) {
  const main = await freshDb();
  opened.push(main);
  const gates: Array<() => void> = [];
  // An open() before its job waits lets that job through when it comes (a loaded machine starts jobs late).
  let permits = 0;
  let running = 0;
  const worker = createWorker({
    db: main.db,
    registry: createRegistry([
      defineJob({
        kind: 'slow',
        schema: z.object({}),
        async handle() {
          running += 1;
          if (permits > 0) permits -= 1;
          else await new Promise<void>((r) => gates.push(r));
          running -= 1;
          return undefined;
        },
      }),
    ]),
    clock: systemClock,
    logger: silentLogger,
    concurrency: slots,
    pollMs: 60_000,
    onBacklog,
  });
  workers.push(worker);
  const enqueue = () =>
    enqueueJob(main.db, { kind: 'slow', payload: {}, runAt: new Date(Date.now() - 1000) }, new Date());
  const open = () => {
    const gate = gates.shift();
    if (gate) gate();
    else permits += 1;
  };
  return { main, worker, enqueue, open, running: () => running };
}

async function until(cond: () => boolean, what: string) {
  for (const t0 = Date.now(); !cond(); await sleep(5)) if (Date.now() - t0 > 10_000) throw new Error(`no ${what}`);
}

describe('slots kept for hand-offs', () => {
  it('none while the lane has a backlog, though a slot is free', async () => {
    // Eight slots claim again once two are free (a quarter); nine due jobs: the claim filled every slot.
    const w = await setup(8);
    for (let i = 0; i < 9; i++) await w.enqueue();
    w.worker.start();
    await until(() => w.running() === 8, 'eight jobs');
    w.open();
    await until(() => w.running() === 7, 'one job finished');
    // One slot free and the ninth job due: the slot is its, not a hand-off's.
    expect(w.worker.reserve('outbound')).toBeNull();
    for (let i = 0; i < 9; i++) w.open();
    await until(() => w.running() <= 1, 'the rest');
    w.open();
  });
});

/**
 * What the worker thread's host (src/jobs/thread-host.ts) relies on: it is told when a lane's backlog begins and
 * ends, to keep no slot for a hand-off meanwhile, and a job the host's inbox write claimed for the thread runs
 * when it arrives, even with every slot busy: it is claimed, and nothing else would run it.
 */
describe('a worker in a thread of its own', () => {
  it('tells of its backlog and adopts a claimed job over its slots', async () => {
    const told: Array<[string, boolean]> = [];
    const w = await setup(8, (lane, backlog) => told.push([lane, backlog]));
    for (let i = 0; i < 9; i++) await w.enqueue();
    w.worker.start();
    await until(() => w.running() === 8, 'eight jobs');
    expect(told).toEqual([['outbound', true]]);

    const adopted = (await w.enqueue())!;
    await w.main.db
      .updateTable('jobs')
      .set({ state: 'running', locked_by: w.worker.id, locked_at: new Date(), attempts: 1 })
      .where('id', '=', adopted)
      .execute();
    const done = w.worker.adopt({
      id: adopted,
      kind: 'slow',
      payload: {},
      attempts: 1,
      max_attempts: 5,
      location_id: null,
      run_at: new Date(),
    });
    await until(() => w.running() === 9, 'the adopted job running beside the eight');
    for (let i = 0; i < 11; i++) w.open();
    await done;
    await until(() => w.running() === 0, 'every job');
    const row = await w.main.db.selectFrom('jobs').select('state').where('id', '=', adopted).executeTakeFirst();
    expect(row?.state).toBe('done');
    // The next claim finds nothing more: the backlog has ended.
    await until(() => told.at(-1)?.[1] === false, 'the end of the backlog told');
    expect(told.at(-1)).toEqual(['outbound', false]);
  });
});
