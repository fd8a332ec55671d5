import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { type EngineStack, HOUR, LOCATION_ID, MIN, PHONES, startEngineStack } from '../helpers/engine.js';

let s: EngineStack;
afterEach(async () => {
  await s?.close();
});

const SEND = { method: 'POST', path: '/conversations/messages' } as const;

async function missedCall(from: string) {
  return (await s.missedCall({ from })).contactId;
}

/** The first SMS attempt meets GHL 5xx answers on every one of the client's tries: its outcome is unknown. */
async function firstSendFails(contactId: string) {
  s.sandbox.faults.add({ ...SEND, kind: '5xx', times: 3 });
  await s.at(2 * MIN);
  expect(s.sent(contactId).sms).toHaveLength(0);
  expect(await stepState()).toBe('sending');
}

async function stepState(stepId = 'apology-sms') {
  const row = await s.rt.db.db
    .selectFrom('run_steps')
    .select('state')
    .where('step_id', '=', stepId)
    .executeTakeFirstOrThrow();
  return row.state;
}

async function events(kind: string) {
  return s.rt.db.db.selectFrom('run_events').select(['detail', 'step_id']).where('kind', '=', kind).execute();
}

describe('a retried send decides again', () => {
  it('sends nothing when STOP arrives between a 5xx on the first send and its retry', async () => {
    s = await startEngineStack();
    const contactId = await missedCall(PHONES.marcus);
    await firstSendFails(contactId);
    await s.sandbox.phone.reply({ locationId: LOCATION_ID, contactId, body: 'STOP' });
    await s.settle();
    await s.advance(30 * MIN);
    expect(s.sent(contactId).sms).toHaveLength(0);
    expect(await stepState()).toBe('stopped');
    expect(await s.run(contactId)).toMatchObject({ outcome: 'suppressed', outcome_reason: 'opted-out' });
    const [checked] = await events('retry-checked');
    expect(checked?.step_id).toBe('apology-sms');
    expect(String((checked?.detail as { text?: string } | undefined)?.text)).toMatch(/checked again/);
  });

  it('defers a retry that falls after 21:00 to 08:00 and sends it once then', async () => {
    // 20:57:59 in New York: the first attempt at 20:59:59 is inside the window, its retry seconds later is not.
    s = await startEngineStack({ clock: new ManualClock('2026-01-06T01:57:59Z') });
    const contactId = await missedCall(PHONES.marcus);
    await firstSendFails(contactId);
    await s.advance(10 * MIN, 1000);
    expect(s.sent(contactId).sms).toHaveLength(0);
    expect(await stepState()).toBe('pending');
    const [deferral] = await events('deferred');
    expect(deferral?.detail).toMatchObject({ reason: 'outside-send-window', until: '2026-01-06T13:00:00.000Z' });
    s.clock.set(new Date('2026-01-06T13:00:00Z').getTime());
    await s.settle();
    expect(s.sent(contactId).sms.map((m) => m.at)).toEqual(['2026-01-06T13:00:00.000Z']);
  });

  it('sends nothing when the run ended (the call was returned and answered) before the retry', async () => {
    s = await startEngineStack();
    const contactId = await missedCall(PHONES.marcus);
    await firstSendFails(contactId);
    await s.sandbox.phone.returnCall({ locationId: LOCATION_ID, contactId, answered: true, durationSec: 90 });
    await s.settle();
    await s.advance(30 * MIN);
    expect(s.sent(contactId).sms).toHaveLength(0);
    expect(await stepState()).toBe('stopped');
    expect(await s.run(contactId)).toMatchObject({ outcome: 'recovered', outcome_reason: 'connected' });
  });

  it('marks the step done without sending again when GHL did take the first attempt', async () => {
    s = await startEngineStack();
    const contactId = await missedCall(PHONES.marcus);
    // The sandbox applies the send, then the answer never arrives: the outcome is unknown to Ringback.
    s.sandbox.faults.add({ ...SEND, kind: 'latency', latencyMs: 5_000, times: 1 });
    await s.at(2 * MIN);
    await s.advance(30 * MIN);
    expect(s.sent(contactId).sms).toHaveLength(1);
    expect(await stepState()).toBe('done');
  });

  it('after a worker died mid-send, the recovered job sends nothing to a contact who opted out meanwhile', async () => {
    s = await startEngineStack();
    const contactId = await missedCall(PHONES.marcus);
    await firstSendFails(contactId);
    // What kill -9 during the GHL call leaves: the intent written (above) and the job locked by a dead worker.
    await s.rt.db.db
      .updateTable('jobs')
      .set({ state: 'running', locked_by: 'w-killed', locked_at: s.clock.now(), attempts: 1 })
      .where('unique_key', 'like', 'step:%')
      .where('state', '=', 'pending')
      .execute();
    await s.sandbox.phone.reply({ locationId: LOCATION_ID, contactId, body: 'Stop texting me' });
    await s.settle();
    await s.advance(HOUR, 5 * MIN);
    expect(s.sent(contactId).sms).toHaveLength(0);
    expect(await stepState()).toBe('stopped');
    const recovered = await s.rt.db.db
      .selectFrom('jobs')
      .select(['state', 'last_error'])
      .where('unique_key', 'like', 'step:%')
      .execute();
    // The recovered job ran to its end: recorded by its step's settle, which deletes it (migrations/0036).
    expect(recovered.filter((j) => j.state !== 'done')).toEqual([]);
  });
});
