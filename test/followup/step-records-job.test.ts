import { afterEach, describe, expect, it } from 'vitest';
import { stepJob } from '../../src/followup/step-job.js';
import { claimJobs } from '../../src/jobs/queries.js';
import { RECORDED } from '../../src/jobs/registry.js';
import { type EngineStack, LOCATION_ID, MIN, seedSettings, startEngineStack } from '../helpers/engine.js';

let s: EngineStack;
afterEach(async () => {
  await s?.close();
});

/** The first text's job, claimed as the worker claims it, and run by its handler. */
async function runFirstStep(workerId: string) {
  const db = s.rt.db.db;
  const [job] = await claimJobs(db, { workerId, now: s.clock.now(), limit: 1, lane: 'outbound' });
  expect(job?.kind).toBe('followup.step');
  const def = stepJob(s.rt.deps, s.rt.deps.ghl, s.rt.deps.users);
  const info = { id: job!.id, kind: job!.kind, attempts: 1, maxAttempts: 8, locationId: LOCATION_ID, workerId };
  const result = await def.handle(def.schema.parse(job!.payload), info);
  const row = await db.selectFrom('jobs').select(['state', 'locked_by']).where('id', '=', job!.id).executeTakeFirst();
  return { result, row };
}

// A step's settle records its job done in the same statement (migrations/0028; since 0036 by deleting it), so the
// worker spends no round trip on it; a step that ends without a settle leaves the job to the worker's own completion.
describe('a step job recorded done by its settle', () => {
  it('a text sent: the settle records the job, the handler says so', async () => {
    s = await startEngineStack();
    const { contactId } = await s.missedCall();
    s.clock.set(s.clock.now().getTime() + 3 * MIN);
    const { result, row } = await runFirstStep('w-step');
    expect(result).toBe(RECORDED);
    // Recorded by deleting it (migrations/0036).
    expect(row).toBeUndefined();
    expect(s.sent(contactId).sms).toHaveLength(1);
  });

  it('a step skipped (removed from the sequence since) is recorded as well', async () => {
    s = await startEngineStack();
    await s.missedCall();
    const settings = seedSettings();
    await s.setSettings({ ...settings, sequence: settings.sequence.slice(1) });
    s.clock.set(s.clock.now().getTime() + 3 * MIN);
    const { result, row } = await runFirstStep('w-step');
    expect(result).toBe(RECORDED);
    // Recorded by deleting it (migrations/0036).
    expect(row).toBeUndefined();
  });

  it('a job another worker took over is not recorded by the one that lost it', async () => {
    s = await startEngineStack();
    await s.missedCall();
    s.clock.set(s.clock.now().getTime() + 3 * MIN);
    const db = s.rt.db.db;
    const [job] = await claimJobs(db, { workerId: 'w-old', now: s.clock.now(), limit: 1, lane: 'outbound' });
    // Presumed dead: the job is taken back and held by another worker.
    await db.updateTable('jobs').set({ locked_by: 'w-new' }).where('id', '=', job!.id).execute();
    const def = stepJob(s.rt.deps, s.rt.deps.ghl, s.rt.deps.users);
    const info = {
      id: job!.id,
      kind: job!.kind,
      attempts: 1,
      maxAttempts: 8,
      locationId: LOCATION_ID,
      workerId: 'w-old',
    };
    await def.handle(def.schema.parse(job!.payload), info);
    const row = await db
      .selectFrom('jobs')
      .select(['state', 'locked_by'])
      .where('id', '=', job!.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'running', locked_by: 'w-new' });
  });
});
