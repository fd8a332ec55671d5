import { afterEach, describe, expect, it } from 'vitest';
import { processWebhook, webhookProcessJob } from '../../src/webhooks/process.js';
import { claimJobs } from '../../src/jobs/queries.js';
import { timelineOf } from '../../src/reporting/timeline.js';
import { RECORDED } from '../../src/jobs/registry.js';
import { webhookHandlers } from '../../src/fan-out.js';
import {
  type EngineStack,
  LOCATION_ID,
  MIN,
  seedSettings,
  startEngineStack,
  TRACKING_NUMBERS,
} from '../helpers/engine.js';

let s: EngineStack;
afterEach(async () => {
  await s?.close();
});

function missedCall(from: string) {
  return s.missedCall({ from, to: TRACKING_NUMBERS.facebook, outcome: 'voicemail' });
}

// A missed call is planned from a copy of the settings held in memory (src/followup/checked-copies.ts); the
// statement that acts on it refuses a copy that another instance's save made stale.
describe('a missed call in one statement', () => {
  it('follows settings saved elsewhere after the copy was taken: turned off, then a later first text', async () => {
    s = await startEngineStack();
    const first = await missedCall('+12125550401');
    expect(await s.run(first.contactId)).toMatchObject({ status: 'active' });

    // Written straight into the table, as another instance's save would be: this process's copy is now stale.
    await s.setSettings({ ...seedSettings(), enabled: false });
    const second = await missedCall('+12125550402');
    expect(await s.run(second.contactId)).toMatchObject({ outcome: 'suppressed', outcome_reason: 'disabled' });

    const later = seedSettings();
    const sequence = later.sequence.map((step, i) => (i === 0 ? { ...step, after: 'PT30M' } : step));
    await s.setSettings({ ...later, sequence });
    const third = await missedCall('+12125550403');
    // Due in 30 minutes, the first text waits in the run's plan (src/followup/plan-feed.ts): read as the page does.
    const run = await s.rt.db.db
      .selectFrom('runs')
      .select(['id', 'started_at'])
      .where('contact_id', '=', third.contactId)
      .executeTakeFirstOrThrow();
    const timeline = (await timelineOf(s.rt.db.db, LOCATION_ID, [run.id])).get(run.id) ?? [];
    const steps = timeline.filter((e) => e.type === 'step' && e.stepId === sequence[0]!.id);
    expect(steps).toHaveLength(1);
    expect(steps[0]).toMatchObject({ state: 'pending' });
    expect(new Date(steps[0]!.type === 'step' ? steps[0]!.dueAt : 0).getTime() - run.started_at.getTime()).toBe(
      30 * MIN,
    );
  });

  it('records its job done (deletes it) in the same statement, with the webhook claimed from the intake lane', async () => {
    s = await startEngineStack();
    const call = await s.sandbox.phone.placeCall({
      locationId: LOCATION_ID,
      from: '+12125550421',
      to: TRACKING_NUMBERS.facebook,
      outcome: 'voicemail',
    });
    const db = s.rt.db.db;
    const [job] = await claimJobs(db, { workerId: 'w-test', now: s.clock.now(), limit: 10, lane: 'intake' });
    expect(job).toBeDefined();
    // The claim brings the stored webhook along: processing reads nothing before its statement.
    expect(job!.payload).toMatchObject({ stored: { type: 'InboundMessage', processed_at: null } });
    const def = webhookProcessJob(s.rt.deps, webhookHandlers(s.rt.deps));
    const info = {
      id: job!.id,
      kind: job!.kind,
      attempts: 1,
      maxAttempts: 5,
      locationId: LOCATION_ID,
      workerId: 'w-test',
    };
    expect(await def.handle(def.schema.parse(job!.payload), info)).toBe(RECORDED);
    // Recorded by deleting it (migrations/0036): its work is in the rows the statement wrote.
    const row = await db.selectFrom('jobs').select(['state']).where('id', '=', job!.id).executeTakeFirst();
    expect(row).toBeUndefined();
    expect(await s.run(call.contactId)).toMatchObject({ status: 'active' });
  });

  it('a webhook processed again (a worker that died before recording the job done) changes nothing', async () => {
    s = await startEngineStack();
    const { contactId } = await missedCall('+12125550411');
    const inbox = await s.rt.db.db.selectFrom('webhook_inbox').select(['webhook_id', 'type']).execute();
    const before = await counts(contactId);
    for (const row of inbox) await processWebhook(s.rt.deps, webhookHandlers(s.rt.deps), row.webhook_id);
    expect(await counts(contactId)).toEqual(before);
    expect(before).toMatchObject({ runs: 1, missed: 1, events: 1 });
  });
});

async function counts(contactId: string) {
  const db = s.rt.db.db;
  const n = async (table: 'runs' | 'missed_calls' | 'contact_events' | 'run_steps') =>
    Number(
      (
        await db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .where('contact_id', '=', contactId)
          .executeTakeFirstOrThrow()
      ).n,
    );
  const jobs = Number(
    (
      await db
        .selectFrom('jobs')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
  return {
    runs: await n('runs'),
    missed: await n('missed_calls'),
    events: await n('contact_events'),
    steps: await n('run_steps'),
    jobs,
  };
}
