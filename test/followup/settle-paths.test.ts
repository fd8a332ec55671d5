import { afterEach, describe, expect, it } from 'vitest';
import { timelineOf } from '../../src/reporting/timeline.js';
import { type EngineStack, LOCATION_ID, MIN, startEngineStack } from '../helpers/engine.js';

/**
 * The engine's branches settle through the one settle (src/followup/settle.ts): each leaves its step in its
 * state with exactly one event, and the run ends when the settle's rules say. The rules themselves:
 * test/followup/settle.test.ts; GHL's refusal of a send: test/ghl/missing-scope.test.ts.
 */
let s: EngineStack;
afterEach(async () => {
  await s?.close();
});

async function missedCall() {
  return (await s.missedCall()).contactId;
}

/** Every run's steps as the call log reads them: step rows, and the steps still in a run's plan. */
async function steps() {
  const runs = await s.rt.db.db.selectFrom('runs').select('id').orderBy('id').execute();
  const timelines = await timelineOf(
    s.rt.db.db,
    LOCATION_ID,
    runs.map((r) => r.id),
  );
  return runs.flatMap((r) =>
    (timelines.get(r.id) ?? [])
      .flatMap((e) => (e.type === 'step' ? [e] : []))
      .sort((a, b) => a.dueAt.localeCompare(b.dueAt))
      .map((e) => ({ step_id: e.stepId, state: e.state, reason: e.reason })),
  );
}

async function stepEvents() {
  return s.rt.db.db
    .selectFrom('run_events')
    .select(['kind', 'step_id'])
    .where('kind', 'in', ['sent', 'skipped', 'stopped', 'step-failed', 'run-ended'])
    .orderBy('id')
    .execute();
}

describe('every branch of a step settles the same way', () => {
  it('stop: a callback that did not connect stops the next step and ends the run lost, once', async () => {
    s = await startEngineStack();
    const contactId = await missedCall();
    await s.at(1 * MIN);
    await s.sandbox.phone.returnCall({ locationId: LOCATION_ID, contactId, answered: false });
    await s.settle();
    expect(await s.run(contactId)).toMatchObject({ status: 'active' });
    await s.at(2 * MIN);
    expect(s.sent(contactId).sms).toHaveLength(0);
    expect(await s.run(contactId)).toMatchObject({ status: 'ended', outcome: 'lost', outcome_reason: 'call-returned' });
    expect(await steps()).toEqual([
      { step_id: 'apology-sms', state: 'stopped', reason: 'call-returned' },
      { step_id: 'callback-task', state: 'stopped', reason: 'run lost: call-returned' },
      { step_id: 'resources-email', state: 'stopped', reason: 'run lost: call-returned' },
      { step_id: 'final-sms', state: 'stopped', reason: 'run lost: call-returned' },
    ]);
    expect(await stepEvents()).toEqual([
      { kind: 'stopped', step_id: 'apology-sms' },
      { kind: 'run-ended', step_id: null },
    ]);
    // The job of the step, run again, finds it settled and changes nothing.
    await s.at(20 * MIN);
    expect(await stepEvents()).toHaveLength(2);
  });

  it('dead-letter: a step whose attempts ran out fails with one event, the run goes on, the next step is sent', async () => {
    s = await startEngineStack();
    const contactId = await missedCall();
    // Every attempt of the first text meets GHL 5xx reading the contact (8 attempts of 3 tries each).
    s.sandbox.faults.add({ method: 'GET', path: `/contacts/${contactId}`, kind: '5xx', times: 24 });
    await s.advance(14 * MIN);
    const failed = (await steps()).find((x) => x.step_id === 'apology-sms');
    expect(failed).toMatchObject({ state: 'failed', reason: expect.stringMatching(/^gave up: /) });
    expect(await s.run(contactId)).toMatchObject({ status: 'active' });
    await s.at(15 * MIN);
    expect(s.sent(contactId).tasks).toHaveLength(1);
    expect(await stepEvents()).toEqual([
      { kind: 'step-failed', step_id: 'apology-sms' },
      { kind: 'sent', step_id: 'callback-task' },
    ]);
  });
});
