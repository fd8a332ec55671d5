import { describe, expect, it } from 'vitest';
import { onPostgres } from '../helpers/db.js';
import { audit, waitForQuiet } from './audit.js';
import { RELIABILITY_METRICS_TOKEN } from './child.js';
import { Feeder } from './feed.js';
import { adsLine, callerPhone } from './fleet.js';
import { oneProcess } from './one-process.js';

const CALLS = 30;

const start = oneProcess();

/**
 * ROLE=all on Postgres runs its worker in a thread of its own (src/jobs/thread-host.ts): the process as
 * production starts it (src/main.ts) must still run every call's sequence, with the inbox write handing its jobs
 * across to the thread, show the thread's counters on /metrics, and stop cleanly on SIGTERM, thread included.
 */
describe.skipIf(!onPostgres)('the worker thread of a ROLE=all process', () => {
  it('runs the jobs handed across, reports them on /metrics and stops with the process', async () => {
    const { sandbox, db, child: c, locations } = await start({ locations: 2 });
    const feeder = new Feeder(sandbox, () => [c.url]);
    await feeder.feed(CALLS, 20, (i) => {
      const l = locations[i % 2]!;
      return { locationId: l.location.id, from: callerPhone(i % 2, i), to: adsLine(l) };
    });
    await waitForQuiet(db, 60_000);
    const a = await audit(db, sandbox, feeder.calls);
    expect(a.callsNotRecordedOnce).toEqual([]);
    expect(a.withoutOutcome).toBe(0);
    expect(a.stepStates).toEqual({ done: CALLS * 3 });
    expect(a.messagesSent).toBe(CALLS * 2);

    const res = await fetch(`${c.url}/metrics`, { headers: { authorization: `Bearer ${RELIABILITY_METRICS_TOKEN}` } });
    const text = await res.text();
    expect(text).toMatch(/^ringback_worker_thread 1$/m);
    // Handed across by the main thread's inbox write, and run (and counted) by the thread's worker.
    expect(await c.counter('ringback_jobs_handed_off_total', 'kind="webhook.process"')).toBeGreaterThan(0);
    expect(await c.counter('ringback_jobs_total', 'kind="webhook.process",outcome="done"')).toBeGreaterThanOrEqual(
      CALLS,
    );

    await c.stop();
    expect(c.output.join('')).not.toContain('[exit code=');
    expect(c.output.join('')).not.toContain('worker thread');
  });
});
