/**
 * A step's facts come with its job's claim (JobDefinition.claimPayload, ringback_step_facts): what the claim
 * hands the step must be what the step would have read itself, and a step whose row is gone must read as gone.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { claimedPayloads, claimLane } from '../../src/jobs/queries.js';
import { STEP_JOB } from '../../src/followup/runs.js';
import { feedPlans } from '../../src/followup/plan-feed.js';
import { type FactsRow, loadStepFacts, stepFactsFrom } from '../../src/followup/step-facts.js';
import { buildJobRegistry } from '../../src/job-kinds.js';
import { type EngineStack, MIN, startEngineStack } from '../helpers/engine.js';

let s: EngineStack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

/** A StepFacts without its function, comparable. */
function plain(f: Awaited<ReturnType<typeof loadStepFacts>>) {
  if (!f) return f;
  const { routeNow: _, ...rest } = f;
  return rest;
}

/** The outbound lane's claim, with the payloads the runtime's job kinds ask of it. */
async function claimOutbound(now: Date) {
  const { jobs } = await claimLane(s!.rt.db.db, {
    workerId: 'test-claim',
    now,
    limit: 10,
    lane: 'outbound',
    payload: claimedPayloads(buildJobRegistry(s!.rt.deps).values(), now),
  });
  return jobs;
}

describe('facts claimed with the step', () => {
  it('equal the facts the step reads itself, for each step of a run', async () => {
    s = await startEngineStack();
    const call = await s.missedCall();
    s.clock.set(s.t0.getTime() + 25 * 60 * MIN);
    const now = s.clock.now();
    const db = s.rt.db.db;
    // The steps still in the run's plan become rows and jobs first, as the worker makes them before it claims.
    await feedPlans(db, now);
    const jobs = await claimOutbound(now);
    const steps = jobs.filter((j) => j.kind === STEP_JOB);
    // The sequence's four steps are all due a day on (the first text deferred to the window is among them).
    expect(steps.length).toBeGreaterThanOrEqual(3);
    for (const job of steps) {
      const payload = job.payload as { runStepId: number; facts: FactsRow | null };
      const claimed = stepFactsFrom(db, payload.facts);
      expect(claimed?.step.id).toBe(payload.runStepId);
      expect(claimed?.run.contact_id).toBe(call.contactId);
      expect(plain(claimed)).toEqual(plain(await loadStepFacts(db, payload.runStepId, now)));
    }
  });

  it('read as gone when the step row is gone', async () => {
    s = await startEngineStack();
    await s.missedCall();
    const db = s.rt.db.db;
    const step = await db.selectFrom('run_steps').select('id').orderBy('due_at').executeTakeFirstOrThrow();
    await db.deleteFrom('run_steps').where('id', '=', step.id).execute();
    s.clock.set(s.t0.getTime() + 25 * 60 * MIN);
    const now = s.clock.now();
    const jobs = await claimOutbound(now);
    const gone = jobs.find((j) => (j.payload as { runStepId: number }).runStepId === step.id);
    expect(gone?.payload).toEqual({ runStepId: step.id, facts: null });
  });
});
