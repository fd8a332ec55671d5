import { afterEach, describe, expect, it } from 'vitest';
import { SWEEP_JOB } from '../../src/followup/sweep-schedule.js';
import { timelineOf } from '../../src/reporting/timeline.js';
import { type EngineStack, LOCATION_ID, MIN, startEngineStack, TRACKING_NUMBERS } from '../helpers/engine.js';

let s: EngineStack;
afterEach(async () => {
  await s?.close();
});

const callers = (n: number) => Array.from({ length: n }, (_, i) => `+1212555${String(1000 + i)}`);

/** Minute by minute, as node-cron ticks: arm due sweeps, then run every due job. */
async function minutes(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    s.clock.set(s.clock.now().getTime() + MIN);
    await s.rt.tickSweep();
    await s.settle();
  }
}

async function missedCall(from: string) {
  return s.sandbox.phone.placeCall({
    locationId: LOCATION_ID,
    from,
    to: TRACKING_NUMBERS.facebook,
    outcome: 'voicemail',
  });
}

const exportRequests = () => s.sandbox.requests.filter((r) => r.path === '/conversations/messages/export').length;

describe('lost-webhook sweep', () => {
  it('follows up every call, none twice, when 10% of missed-call webhooks never arrive', async () => {
    s = await startEngineStack();
    s.sandbox.dropWebhooks({ fraction: 0.1, seed: 21 });
    const calls = [];
    for (const from of callers(20)) {
      calls.push(await missedCall(from));
      s.clock.set(s.clock.now().getTime() + 10_000);
    }
    await s.settle();
    const lost = calls.filter((c) => c.delivery.dropped);
    expect(lost).toHaveLength(2); // this seed drops 2 of the 20: calls 8 and 15
    await minutes(20);

    for (const c of calls) {
      expect(s.sent(c.contactId).sms, c.contactId).toHaveLength(1);
      expect(s.sent(c.contactId).tasks, c.contactId).toHaveLength(1);
    }
    expect(await s.rt.db.db.selectFrom('runs').select('id').execute()).toHaveLength(20);
    for (const c of calls) {
      // The timeline reads the call from its row, which says whether the sweep found it (call-entries.ts).
      const runId = (await s.run(c.contactId))!.id;
      const entry = (await timelineOf(s.rt.db.db, LOCATION_ID, [runId])).get(runId)?.find((e) => e.type === 'event');
      expect(entry).toMatchObject({ kind: 'missed-call', detail: { status: 'voicemail' } });
      expect((entry?.type === 'event' ? (entry.detail as { via?: string }) : {}).via).toBe(
        c.delivery.dropped ? 'found by sweep' : undefined,
      );
    }

    // The lost webhooks turn up late after all, with their original timestamp: nothing changes.
    for (const c of lost) expect((await s.sandbox.deliver(c.delivery.event)).status).toBe(200);
    await minutes(2);
    expect(await s.rt.db.db.selectFrom('runs').select('id').execute()).toHaveLength(20);
    expect(await s.rt.db.db.selectFrom('missed_calls').select('id').execute()).toHaveLength(20);
    for (const c of calls) expect(s.sent(c.contactId).sms).toHaveLength(1);
  }, 90_000);

  it('gives one run when the sweep and the late webhook race for the same call', async () => {
    s = await startEngineStack();
    s.sandbox.dropWebhooks({ fraction: 1, seed: 1 });
    const call = await missedCall('+12125550999');
    expect(call.delivery.dropped).toBe(true);
    s.clock.set(s.clock.now().getTime() + 3 * MIN);
    // Both jobs are pending together and the worker claims them in one batch.
    expect((await s.sandbox.deliver(call.delivery.event)).status).toBe(200);
    expect(await s.rt.tickSweep()).toBe(1);
    await s.settle();
    await minutes(3);
    const db = s.rt.db.db;
    expect(await db.selectFrom('runs').select('id').execute()).toHaveLength(1);
    expect(await db.selectFrom('missed_calls').select('id').execute()).toHaveLength(1);
    expect(s.sent(call.contactId).sms).toHaveLength(1);
    const jobs = await db.selectFrom('jobs').select(['kind', 'state']).where('kind', '=', SWEEP_JOB).execute();
    expect(jobs).toEqual([{ kind: SWEEP_JOB, state: 'done' }]);
  });

  it('leaves a call to its webhook in its first minute, and waits for a call still ringing', async () => {
    s = await startEngineStack();
    await minutes(5);
    s.clock.set(s.t0.getTime() + 5.5 * MIN);
    s.sandbox.dropWebhooks({ fraction: 1, seed: 1 });
    const call = await missedCall('+12125550998');
    const message = s.sandbox.store.messages(LOCATION_ID, call.contactId).find((m) => m.id === call.messageId)!;
    message.meta.call!.status = 'ringing';
    await minutes(1); // t0+6.5: the sweep of t0+6 reads up to t0+5, a minute before
    expect(await s.run(call.contactId)).toBeUndefined();
    await minutes(5); // t0+11.5: the sweep of t0+11 reads the call, still ringing
    expect(await s.run(call.contactId)).toBeUndefined();
    message.meta.call!.status = 'voicemail';
    await minutes(5); // the sweep of t0+16 starts before the ringing call, not at t0+10
    expect(await s.run(call.contactId)).toMatchObject({ status: 'active' });
  });

  it('costs 12 GHL requests per location per hour at the default 5-minute interval', async () => {
    s = await startEngineStack();
    await minutes(6); // the first sweep, a minute after the install, has nothing to read yet
    const before = exportRequests();
    await minutes(60);
    expect(exportRequests() - before).toBe(12);
    const mark = await s.rt.db.db.selectFrom('location_sweeps').selectAll().executeTakeFirstOrThrow();
    expect(mark.requests).toBe(1);
    expect(mark.swept_until.getTime()).toBeGreaterThan(s.t0.getTime() + 50 * MIN);
  });

  it('does not sweep calls from before the install', async () => {
    s = await startEngineStack();
    s.sandbox.dropWebhooks({ fraction: 1, seed: 1 });
    const early = await missedCall('+12125550997');
    // GHL has the call from before the install; Ringback was not there to hear it.
    const message = s.sandbox.store.messages(LOCATION_ID, early.contactId).find((m) => m.id === early.messageId)!;
    message.dateAdded = new Date(s.t0.getTime() - 10 * MIN).toISOString();
    const late = await missedCall('+12125550996');
    await minutes(10);
    expect(await s.run(early.contactId)).toBeUndefined();
    expect(await s.run(late.contactId)).toMatchObject({ status: 'active' });
  });
});
