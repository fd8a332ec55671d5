import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import {
  CONTACTS,
  type EngineStack,
  HOUR,
  MIN,
  PHONES,
  startEngineStack,
  TRACKING_NUMBERS,
} from '../helpers/engine.js';

let s: EngineStack;
afterEach(async () => {
  await s?.close();
});

async function missedCall(from: string, to: string = TRACKING_NUMBERS.facebook) {
  return (await s.missedCall({ from, to })).contactId;
}

describe('guards before every send', () => {
  it('holds a text for a call at 23:00 recipient-local until 08:00, and records the deferral', async () => {
    // 23:00 in New York on Jan 5; Marcus is a New York contact.
    s = await startEngineStack({ clock: new ManualClock('2026-01-06T04:00:00Z') });
    const contactId = await missedCall(PHONES.marcus);
    await s.at(2 * MIN);
    expect(s.sent(contactId).sms).toHaveLength(0);
    await s.at(9 * HOUR - 1000);
    expect(s.sent(contactId).sms).toHaveLength(0);
    await s.at(9 * HOUR);
    expect(s.sent(contactId).sms.map((m) => m.at)).toEqual(['2026-01-06T13:00:00.000Z']);
    const deferrals = await s.rt.db.db
      .selectFrom('run_events')
      .select(['detail'])
      .where('kind', '=', 'deferred')
      .execute();
    expect(deferrals[0]?.detail).toMatchObject({ reason: 'outside-send-window', until: '2026-01-06T13:00:00.000Z' });
  });

  it('ends the window at 20:00 for a Florida number, while a New York number still gets its text at 20:32', async () => {
    // 20:30 in New York (and Miami).
    s = await startEngineStack({ clock: new ManualClock('2026-01-06T01:30:00Z') });
    const jane = await missedCall(PHONES.jane);
    const marcus = await missedCall(PHONES.marcus, TRACKING_NUMBERS.website);
    await s.at(2 * MIN);
    expect(s.sent(marcus).sms.map((m) => m.at)).toEqual(['2026-01-06T01:32:00.000Z']);
    expect(s.sent(jane).sms).toHaveLength(0);
    await s.at(11 * HOUR + 30 * MIN - 1000);
    expect(s.sent(jane).sms).toHaveLength(0);
    await s.at(11 * HOUR + 30 * MIN);
    expect(s.sent(jane).sms.map((m) => m.at)).toEqual(['2026-01-06T13:00:00.000Z']);
  });

  it('skips texts for a contact with SMS DND but still sends the email and the task', async () => {
    s = await startEngineStack();
    const contactId = await missedCall(PHONES.olivia);
    expect(contactId).toBe(CONTACTS.olivia);
    await s.at(25 * HOUR);
    const sent = s.sent(contactId);
    expect(sent.sms).toHaveLength(0);
    expect(sent.email).toHaveLength(1);
    expect(sent.tasks).toHaveLength(1);
    const skipped = await s.rt.db.db
      .selectFrom('run_steps')
      .select(['step_id', 'reason'])
      .where('state', '=', 'skipped')
      .orderBy('step_id')
      .execute();
    expect(skipped).toEqual([
      { step_id: 'apology-sms', reason: 'dnd-sms' },
      { step_id: 'final-sms', reason: 'dnd-sms' },
    ]);
  });

  it('suppresses the run when DND blocks every channel; a human still gets the task', async () => {
    s = await startEngineStack();
    const contactId = await missedCall(PHONES.tom);
    await s.at(25 * HOUR);
    const sent = s.sent(contactId);
    expect(sent.sms).toHaveLength(0);
    expect(sent.email).toHaveLength(0);
    expect(sent.tasks).toHaveLength(1);
    expect(await s.run(contactId)).toMatchObject({ outcome: 'suppressed', outcome_reason: 'dnd' });
  });

  it('gives a VIP-tagged caller a priority task within 5 minutes and the High Value Lead tag', async () => {
    s = await startEngineStack();
    const contactId = await missedCall(PHONES.priya, TRACKING_NUMBERS.main);
    expect(contactId).toBe(CONTACTS.priya);
    await s.at(1 * MIN);
    const [task] = s.sent(contactId).tasks;
    expect(task).toBeDefined();
    expect(new Date(task!.at).getTime() - s.t0.getTime()).toBeLessThanOrEqual(5 * MIN);
    expect(task!.title).toMatch(/^PRIORITY: /);
    expect(new Date(task!.dueDate).getTime() - new Date(task!.at).getTime()).toBe(5 * MIN);
    expect(s.sandbox.store.contact(contactId)?.tags).toEqual(
      expect.arrayContaining(['High Value Lead', 'Missed Call', 'VIP']),
    );
    expect((await s.run(contactId))?.high_value).toBe(true);
  });

  it('a 429 burst from GHL only delays a text: it goes out once, later', async () => {
    s = await startEngineStack();
    const contactId = await missedCall(PHONES.jane);
    s.sandbox.faults.add({
      method: 'POST',
      path: '/conversations/messages',
      kind: '429',
      times: 3,
      retryAfterSeconds: 20,
    });
    await s.at(2 * MIN);
    expect(s.sent(contactId).sms).toHaveLength(0);
    await s.advance(3 * MIN, 10_000);
    const sms = s.sent(contactId).sms;
    expect(sms).toHaveLength(1);
    expect(new Date(sms[0]!.at).getTime()).toBeGreaterThan(s.t0.getTime() + 2 * MIN);
    const step = await s.rt.db.db
      .selectFrom('run_steps')
      .selectAll()
      .where('step_id', '=', 'apology-sms')
      .executeTakeFirstOrThrow();
    expect(step.state).toBe('done');
  });
});
