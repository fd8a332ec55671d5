/**
 * Issue 19: past the retention period a missed call is kept once, by its missed_calls row. Its contact event,
 * the dedupe key while the call can still arrive, goes; a repeat of the call is still refused (the webhook by
 * its age, the sweep by the call's row), and the escalation still counts every call of its window.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { applyRetention } from '../../src/retention/retention.js';
import { SWEEP_JOB } from '../../src/followup/sweep-schedule.js';
import { timelineOf } from '../../src/reporting/timeline.js';
import { ingestEvent } from '../../src/followup/ingest.js';
import { MessageEvent } from '../../src/webhooks/events.js';
import { type EngineStack, LOCATION_ID, MIN, PHONES, seedSettings, startEngineStack } from '../helpers/engine.js';

const DAY = 24 * 60 * MIN;

let s: EngineStack;
afterEach(async () => s?.close());

const db = () => s.rt.db.db;
const retentionAt = (at: Date) => applyRetention(db(), at, s.rt.deps.config.retention);
const count = async (table: 'runs' | 'missed_calls' | 'contact_events') =>
  (await db().selectFrom(table).select('id').execute()).length;
const callContactEvents = () =>
  db().selectFrom('contact_events').select('ref').where('kind', '=', 'missed-call').execute();

/** Minute by minute, as node-cron ticks: arm due sweeps, then run every due job. */
async function minutes(n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    s.clock.set(s.clock.now().getTime() + MIN);
    await s.rt.tickSweep();
    await s.settle();
  }
}

describe('a missed call past the retention period', () => {
  it('is refused when its webhook comes again: its timestamp is days past the 90 minutes', async () => {
    s = await startEngineStack();
    const call = await s.missedCall({ from: PHONES.jane });
    await s.at(8 * DAY + MIN);
    await retentionAt(s.clock.now());
    expect(await callContactEvents()).toEqual([]);
    expect((await s.sandbox.deliver(call.delivery.event)).status).toBe(400);
    await s.settle();
    expect([await count('runs'), await count('missed_calls')]).toEqual([1, 1]);
  });

  it('is known to the sweep by its row once its contact event is gone: no second run, the sweep does not fail', async () => {
    s = await startEngineStack();
    await minutes(6); // the first sweep has read up to the minute before
    const call = await s.missedCall({ from: PHONES.jane });
    expect(await count('runs')).toBe(1);
    // Retention as if the period had passed while the sweep can still read the call: in production it reads a day
    // back at most and the period is 7 days, so this is the sweep's own check, with nothing behind it.
    await retentionAt(new Date(s.clock.now().getTime() + 9 * DAY));
    expect(await callContactEvents()).toEqual([]);
    const before = s.sandbox.requests.filter((r) => r.path === '/conversations/messages/export').length;
    await minutes(6);
    expect(s.sandbox.requests.filter((r) => r.path === '/conversations/messages/export').length).toBeGreaterThan(
      before,
    );
    const sweeps = await db().selectFrom('jobs').select('state').where('kind', '=', SWEEP_JOB).execute();
    expect(sweeps.map((j) => j.state)).not.toContain('pending');
    expect(sweeps.map((j) => j.state)).not.toContain('dead');
    expect([await count('runs'), await count('missed_calls')]).toEqual([1, 1]);
    expect(s.sent(call.contactId).sms).toHaveLength(1);
    const runId = (await s.run(call.contactId))!.id;
    const calls = ((await timelineOf(db(), LOCATION_ID, [runId])).get(runId) ?? []).filter((e) => e.type === 'event');
    expect(calls.filter((e) => e.kind === 'missed-call' || e.kind === 'repeat-call')).toEqual([
      expect.objectContaining({ kind: 'missed-call', detail: expect.not.objectContaining({ via: expect.anything() }) }),
    ]);
  });

  it('fails whole, with no second run, should a copy of it reach the missed-call statement after all', async () => {
    s = await startEngineStack();
    const call = await s.missedCall({ from: PHONES.jane });
    await s.at(8 * DAY + MIN); // the run has ended: a copy would start a new one
    await retentionAt(s.clock.now());
    expect(await callContactEvents()).toEqual([]);
    // As the sweep hands a call it did not know to the webhook's own ingest (followup/sweep.ts).
    const copy = { webhookId: 'copy', event: MessageEvent.parse(call.delivery.event), receivedAt: s.clock.now() };
    await expect(
      db()
        .transaction()
        .execute((trx) => ingestEvent(trx, s.rt.deps, copy)),
    ).rejects.toThrow(/missed_calls_message/);
    expect([await count('runs'), await count('missed_calls'), await callContactEvents()]).toEqual([1, 1, []]);
  });

  it('keeps its contact event while the escalation’s window still counts it, then deletes it', async () => {
    const settings = seedSettings();
    s = await startEngineStack({
      settings: { ...settings, escalation: { ...settings.escalation, afterMissedConnections: 3, withinDays: 30 } },
    });
    // Three calls 10 days apart, each its own run (the sequence ends within days): the third is the third missed
    // connection of its 30 days, though the first is past the retention period when it comes.
    for (const day of [0, 10, 20]) {
      await s.at(day * DAY);
      await s.missedCall({ from: PHONES.jane });
      await s.at(day * DAY + 3 * DAY);
      await retentionAt(s.clock.now());
      await s.at(day * DAY + 9 * DAY);
      await retentionAt(s.clock.now());
    }
    const runs = await db().selectFrom('runs').select(['missed_connections', 'escalated_at']).orderBy('id').execute();
    expect(runs.map((r) => r.missed_connections)).toEqual([1, 2, 3]);
    expect(await callContactEvents()).toHaveLength(3);
    // Past the window (30 days, and the day the sweep reads back) the first call's event goes.
    await s.at(31.5 * DAY);
    await retentionAt(s.clock.now());
    expect(await callContactEvents()).toHaveLength(2);
    expect(await count('missed_calls')).toBe(3);
  });
});
