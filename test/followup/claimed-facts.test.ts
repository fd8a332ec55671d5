/**
 * A step's facts come with its job's claim (JobDefinition.claimPayload, ringback_step_facts): what the claim
 * hands the step must be what the step would have read itself, and a step whose row is gone must read as gone.
 */
import { sql } from 'kysely';
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

  // Checked failing with the attribution's `r->'handedOff' is not null` back (its answer's JSON null passed it).
  it('are not read by an attribution that hands no step off', async () => {
    s = await startEngineStack();
    const db = s.rt.db.db;
    // Every call of the function counted, with the step it was asked for.
    await sql`create table facts_asked (step bigint)`.execute(db);
    await sql`alter function ringback_step_facts(bigint, timestamptz, double precision) rename to facts_counted`.execute(
      db,
    );
    await sql`create function ringback_step_facts(p_step bigint, p_now timestamptz, p_secs double precision)
              returns jsonb language plpgsql volatile as $$
              begin
                insert into facts_asked values (p_step);
                return facts_counted(p_step, p_now, p_secs);
              end $$`.execute(db);
    // The first text is due 2 minutes after the call: the attribution has no step to hand off, and the worker
    // (stopped) keeps no slot for one.
    await s.missedCall();
    const attributed = await db.selectFrom('runs').select('tagged_at').executeTakeFirstOrThrow();
    expect(attributed.tagged_at).not.toBeNull();
    expect((await sql`select step from facts_asked`.execute(db)).rows).toEqual([]);
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
