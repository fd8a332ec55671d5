/**
 * A run keeps the steps due later in its row (runs.plan, src/followup/plan-feed.ts): they become step rows and
 * jobs a while before they are due, and run at their minute as before; a run that ends schedules no more of
 * them; several workers feeding at once make each step once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { feedPlans } from '../../src/followup/plan-feed.js';
import { STEP_JOB } from '../../src/followup/runs.js';
import { timelineOf } from '../../src/reporting/timeline.js';
import { type EngineStack, LOCATION_ID, MIN, startEngineStack } from '../helpers/engine.js';

let s: EngineStack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

async function stored(contactId: string) {
  const db = s!.rt.db.db;
  const run = await db
    .selectFrom('runs')
    .select(['id', 'plan', 'plan_due_at'])
    .where('contact_id', '=', contactId)
    .executeTakeFirstOrThrow();
  const steps = await db.selectFrom('run_steps').select(['id', 'step_id']).where('run_id', '=', run.id).execute();
  const jobs = await db
    .selectFrom('jobs')
    .select('id')
    .where('kind', '=', STEP_JOB)
    .where('unique_key', 'in', steps.map((st) => `step:${st.id}`).concat('none'))
    .execute();
  return { run, stepIds: steps.map((st) => st.step_id).sort(), jobs: jobs.length };
}

describe("a run's plan", () => {
  it('holds the steps due later, which become rows and jobs ahead of their time and run at their minute', async () => {
    s = await startEngineStack();
    const { contactId } = await s.missedCall();
    const at = (min: number) => new Date(s!.t0.getTime() + min * MIN).toISOString();

    // The first text is due within the horizon: made with the call. The rest wait in the run's row.
    const first = await stored(contactId);
    expect(first.stepIds).toEqual(['apology-sms']);
    expect(first.jobs).toBe(1);
    expect(first.run.plan).toEqual([
      ['callback-task', 'task', at(15)],
      ['resources-email', 'email', at(120)],
      ['final-sms', 'sms', at(24 * 60)],
    ]);
    expect(first.run.plan_due_at?.toISOString()).toBe(at(15));

    await s.advance(16 * MIN);
    const [task] = s.sent(contactId).tasks;
    expect(task?.at).toBe(at(15));
    const later = await stored(contactId);
    expect(later.stepIds).toEqual(['apology-sms', 'callback-task']);
    expect(later.run.plan).toHaveLength(2);
    expect(later.run.plan_due_at?.toISOString()).toBe(at(120));
    // Every step row is done, but the plan is not: the sequence goes on.
    expect(await s.run(contactId)).toMatchObject({ status: 'active' });

    // A clock that jumps (a worker down for hours) finds its steps made late and runs them at once.
    await s.at(3 * 60 * MIN);
    expect(s.sent(contactId).email).toHaveLength(1);
    await s.at(24 * 60 * MIN);
    expect(s.sent(contactId).sms.map((m) => m.at)).toEqual([at(2), at(24 * 60)]);
    const done = await stored(contactId);
    expect(done.run.plan).toBeNull();
    expect(done.run.plan_due_at).toBeNull();
    expect(await s.run(contactId)).toMatchObject({
      status: 'ended',
      outcome: 'lost',
      outcome_reason: 'sequence-ended',
    });
  });

  it('is not scheduled once its run ended, and reads as the steps the run stopped', async () => {
    s = await startEngineStack();
    const { contactId } = await s.missedCall();
    await s.at(5 * MIN);
    await s.sandbox.phone.reply({ locationId: LOCATION_ID, contactId, body: 'thanks, call me tomorrow' });
    await s.settle();
    expect(await s.run(contactId)).toMatchObject({ status: 'ended', outcome: 'recovered', outcome_reason: 'replied' });
    await s.advance(25 * 60 * MIN, 60 * MIN);
    const after = await stored(contactId);
    expect(after.stepIds).toEqual(['apology-sms']);
    expect(after.run.plan_due_at).toBeNull();
    expect(s.sent(contactId).tasks).toHaveLength(0);
    expect(s.sent(contactId).email).toHaveLength(0);
    const timeline = (await timelineOf(s.rt.db.db, LOCATION_ID, [after.run.id])).get(after.run.id) ?? [];
    expect(timeline.flatMap((e) => (e.type === 'step' ? [[e.stepId, e.state, e.reason]] : []))).toEqual([
      ['apology-sms', 'done', null],
      ['callback-task', 'stopped', 'run recovered: replied'],
      ['resources-email', 'stopped', 'run recovered: replied'],
      ['final-sms', 'stopped', 'run recovered: replied'],
    ]);
  });

  it('made by several workers at once, makes each step once', async () => {
    s = await startEngineStack();
    const contacts: string[] = [];
    for (let i = 0; i < 12; i++) {
      contacts.push((await s.missedCall({ from: `+1212555${String(7000 + i)}` })).contactId);
    }
    s.clock.set(s.t0.getTime() + 14 * MIN);
    const now = s.clock.now();
    const counts = await Promise.all([1, 2, 3, 4].map(() => feedPlans(s!.rt.db.db, now)));
    // Each run was scheduled by one of them; a run another held was left to the next round, where nothing is due.
    expect(counts.reduce((a, b) => a + b, 0)).toBe(12);
    for (const contactId of contacts) {
      const st = await stored(contactId);
      expect(st.stepIds).toEqual(['apology-sms', 'callback-task']);
      expect(st.jobs).toBe(2);
    }
  });
});

describe("a run's tagging", () => {
  it('reads on the timeline as the tags put on the contact and the rep it was routed to', async () => {
    s = await startEngineStack();
    const { contactId } = await s.missedCall();
    const run = await s.run(contactId);
    const timeline = (await timelineOf(s.rt.db.db, LOCATION_ID, [run!.id])).get(run!.id) ?? [];
    const tagged = timeline.filter((e) => e.type === 'event' && e.kind === 'tagged');
    expect(tagged).toEqual([
      {
        type: 'event',
        at: s.t0.toISOString(),
        kind: 'tagged',
        stepId: null,
        detail: { tags: ['Website Caller', 'Missed Call'], assignedTo: run!.assigned_user_id, via: 'round-robin' },
      },
    ]);
    expect(run!.assigned_user_id).toBeTruthy();
    // After the call it followed, at the same minute, as the page tells it.
    const kinds = timeline.flatMap((e) => (e.type === 'event' ? [e.kind] : []));
    expect(kinds.indexOf('missed-call')).toBeLessThan(kinds.indexOf('tagged'));
    expect(s.sandbox.store.contact(contactId)?.tags).toEqual(expect.arrayContaining(['Missed Call']));
  });
});
