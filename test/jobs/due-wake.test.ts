import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { systemClock } from '../../src/clock.js';
import type { Db } from '../../src/db/create-db.js';
import { enqueueJob } from '../../src/jobs/queries.js';
import { createRegistry, defineJob } from '../../src/jobs/registry.js';
import { createWorker } from '../../src/jobs/worker.js';
import { freshDb } from '../helpers/db.js';
import { silentLogger } from '../helpers/logger.js';

// Issue 16: a job stored ahead of time (a run's step) wakes nobody when it comes due. The worker learned of it
// only from a finishing job of its lane or the next poll, and with nothing else running it waited the whole
// poll (bench: follow-up lag p50 125 ms at pollMs 200). Here the poll is 10 s and nothing calls wake(): the job
// must run about when it is due. Checked failing with the worker sleeping pollMs after an empty claim.

const POLL_MS = 10_000;
const DUE_IN_MS = 300;

const opened: Db[] = [];
const stops: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
  for (const db of opened.splice(0).reverse()) await db.close();
});

describe('a job coming due while the worker sleeps', () => {
  it('runs when it is due, not at the next poll, after a claim or two', async () => {
    const main = await freshDb();
    opened.push(main);
    let ranAt = 0;
    let claims = 0;
    const worker = createWorker({
      db: main.db.withPlugin({
        transformQuery({ node }) {
          if (node.kind === 'RawNode' && node.sqlFragments.some((f) => f.includes('skip locked'))) claims++;
          return node;
        },
        async transformResult({ result }) {
          return result;
        },
      }),
      registry: createRegistry([
        defineJob({
          kind: 'step.later',
          schema: z.object({}),
          async handle() {
            ranAt = Date.now();
            return undefined;
          },
        }),
      ]),
      clock: systemClock,
      logger: silentLogger,
      pollMs: POLL_MS,
    });
    const dueAt = Date.now() + DUE_IN_MS;
    await enqueueJob(main.db, { kind: 'step.later', payload: {}, runAt: new Date(dueAt) }, new Date());
    worker.start();
    stops.push(() => worker.stop());
    for (const started = Date.now(); ranAt === 0 && Date.now() - started < POLL_MS / 2; )
      await new Promise((r) => setTimeout(r, 20));

    expect(ranAt).toBeGreaterThanOrEqual(dueAt);
    // Seconds of margin for a loaded machine; the old worker ran it at the poll, 10 s on.
    expect(ranAt - dueAt).toBeLessThan(3_000);
    // Each lane's first claim, the outbound lane's claim at the due time: it slept until then, it did not poll.
    expect(claims).toBeLessThanOrEqual(4);
  }, 20_000);
});
