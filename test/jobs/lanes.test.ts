import { afterEach, describe, expect, it } from 'vitest';
import { laneOf } from '../../src/jobs/lanes.js';
import { STEP_JOB } from '../../src/followup/runs.js';
import { WEBHOOK_JOB } from '../../src/webhooks/inbox.js';
import { LOCATION_ID, TRACKING_NUMBERS } from '../../src/sandbox/seed.js';
import { onPostgres } from '../helpers/db.js';
import { type EngineStack, MIN, startEngineStack } from '../helpers/engine.js';

let s: EngineStack | undefined;
afterEach(async () => {
  s?.sandbox.faults.clear();
  await s?.rt.worker.stop();
  await s?.close();
  s = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const phone = (i: number) => `+1415555${String(1000 + i)}`;

async function missedCallRows(contactId: string): Promise<number> {
  const rows = await s!.rt.db.db.selectFrom('missed_calls').select('id').where('contact_id', '=', contactId).execute();
  return rows.length;
}

describe('claim lanes', () => {
  it('a stored webhook is in the intake lane, a step in the outbound one', () => {
    expect(laneOf(WEBHOOK_JOB)).toBe('intake');
    expect(laneOf(STEP_JOB)).toBe('outbound');
  });

  it('webhooks are processed promptly while every outbound slot waits on a slow GHL', async () => {
    s = await startEngineStack();
    // More due steps than the worker runs at once (48 on Postgres, 8 on PGlite): with one lane the webhook's job,
    // due after them, would wait for whole rounds of GHL calls timing out (2 s each, retried).
    const calls = onPostgres ? 60 : 12;
    for (let i = 0; i < calls; i++) {
      await s.sandbox.phone.placeCall({
        locationId: LOCATION_ID,
        from: phone(i),
        to: TRACKING_NUMBERS.website,
        outcome: 'no-answer',
      });
    }
    await s.settle();
    // Slower than the client's 2 s timeout: every GHL call times out and is retried, each step holding its slot.
    s.sandbox.faults.add({ path: /.*/, kind: 'latency', latencyMs: 3_000 });
    s.clock.set(s.t0.getTime() + 3 * MIN);
    s.rt.worker.start();
    await sleep(300);
    const call = await s.sandbox.phone.placeCall({
      locationId: LOCATION_ID,
      from: phone(99),
      to: TRACKING_NUMBERS.website,
      outcome: 'no-answer',
    });
    const started = Date.now();
    while ((await missedCallRows(call.contactId)) === 0 && Date.now() - started < 10_000) await sleep(25);
    const waitedMs = Date.now() - started;
    const { rows } = await s.rt.db.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('kind', '=', STEP_JOB)
      .where('state', '=', 'running')
      .execute()
      .then((r) => ({ rows: r }));
    // The outbound lane was full of slow GHL work the whole time.
    expect(Number(rows[0]?.n)).toBeGreaterThan(0);
    // Well under one GHL timeout, on a loaded machine too (one lane: 10 s and more).
    expect(waitedMs).toBeLessThan(2_000);
  }, 60_000);
});
