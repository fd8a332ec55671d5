import { afterEach, describe, expect, it } from 'vitest';
import { type EngineStack, HOUR, LOCATION_ID, MIN, PHONES, startEngineStack, USERS } from '../helpers/engine.js';

let s: EngineStack;
afterEach(async () => {
  await s?.close();
});

async function missedCall() {
  return (await s.missedCall()).contactId;
}

/** A reply at +3 min, after the apology text. */
async function replyAfterApology(contactId: string, body: string) {
  await s.at(3 * MIN);
  expect(s.sent(contactId).sms).toHaveLength(1);
  await s.sandbox.phone.reply({ locationId: LOCATION_ID, contactId, body });
  await s.settle();
}

async function timelineTexts(contactId: string) {
  const rows = await s.rt.db.db
    .selectFrom('run_events')
    .innerJoin('runs', 'runs.id', 'run_events.run_id')
    .select(['run_events.detail'])
    .where('runs.contact_id', '=', contactId)
    .orderBy('run_events.id')
    .execute();
  return rows.map((r) => (r.detail as { text?: string }).text).filter((t): t is string => typeof t === 'string');
}

describe('reply triage on the reply path', () => {
  it('an emergency reply gives the escalation manager a task due now and says so on the timeline', async () => {
    s = await startEngineStack();
    const contactId = await missedCall();
    await replyAfterApology(contactId, 'Basement is FLOODING 😭 please call');
    const [task] = s.sent(contactId).tasks;
    expect(task?.title).toBe(`URGENT: ${PHONES.marcus} replied "Basement is FLOODING 😭 please call"`);
    expect(task?.assignedTo).toBe(USERS.maya);
    expect(task?.dueDate).toBe(new Date(s.t0.getTime() + 3 * MIN).toISOString());
    expect(await timelineTexts(contactId)).toContain(
      'Emergency in the reply "Basement is FLOODING 😭 please call" ("flooding"): a priority task, due now, went to the manager.',
    );
    expect(await s.run(contactId)).toMatchObject({ status: 'ended', outcome: 'recovered' });
  });

  it('a reply that wants to book gives the routed rep one task that says so, and that they asked a price', async () => {
    s = await startEngineStack();
    const contactId = await missedCall();
    await replyAfterApology(contactId, 'can I book for tomorrow? how much is it');
    const run = await s.run(contactId);
    const tasks = s.sent(contactId).tasks;
    expect(tasks).toHaveLength(1);
    expect(tasks[0]?.title).toMatch(/^Wants to book: /);
    expect(tasks[0]?.assignedTo).toBe(run?.assigned_user_id);
    expect(await timelineTexts(contactId)).toContain(
      'The contact wants to book ("can I book for tomorrow? how much is it"); the rep\'s task says so and that they asked a price. The booking link is sent again.',
    );
    // The link goes at once, once: a second wish to book in the same run sends nothing more.
    const sms = s.sent(contactId).sms;
    expect(sms).toHaveLength(2);
    expect(sms[1]?.body).toBe(
      'Here is the link to book a time with Bright Smile Dental: https://book.example.com/bright-smile',
    );
    await s.sandbox.phone.reply({ locationId: LOCATION_ID, contactId, body: 'i want to book an appointment pls' });
    await s.at(2 * HOUR);
    expect(s.sent(contactId).sms).toHaveLength(2);
  });

  it('the booking link a late-night reply asks for waits for the morning, like any text', async () => {
    s = await startEngineStack();
    const contactId = await missedCall();
    // 22:30 in New York (the caller's 212 area code): outside 08:00-21:00.
    await s.at(12.5 * HOUR);
    await s.sandbox.phone.reply({ locationId: LOCATION_ID, contactId, body: 'can I book an appointment for friday?' });
    await s.settle();
    expect(s.sent(contactId).sms.filter((m) => m.body.startsWith('Here is the link'))).toEqual([]);
    await s.at(22 * HOUR);
    const link = s.sent(contactId).sms.filter((m) => m.body.startsWith('Here is the link'));
    expect(link.map((m) => m.at)).toEqual([new Date(s.t0.getTime() + 22 * HOUR).toISOString()]);
  });

  it('a price question (0.909 precise on the held-out set) does not act alone: the rep is asked to confirm', async () => {
    s = await startEngineStack();
    const contactId = await missedCall();
    await replyAfterApology(contactId, 'cuánto cobran por destapar el drenaje?');
    expect(s.sent(contactId).tasks.map((t) => t.title)).toEqual([
      `Confirm: looks like price — ${PHONES.marcus} replied "cuánto cobran por destapar el drenaje?"`,
    ]);
  });

  it('a wrong number ends the run suppressed and no more texts go', async () => {
    s = await startEngineStack();
    const contactId = await missedCall();
    await replyAfterApology(contactId, 'I never called you');
    expect(await s.run(contactId)).toMatchObject({
      status: 'ended',
      outcome: 'suppressed',
      outcome_reason: 'wrong-number',
    });
    await s.at(25 * HOUR);
    expect(s.sent(contactId).sms).toHaveLength(1);
    expect(s.sent(contactId).tasks).toHaveLength(0);
    expect(await timelineTexts(contactId)).toContain(
      'The contact says this is a wrong number ("I never called you"); the follow-up ended and no more texts go to them.',
    );
  });

  it('"wrong number", which the opt-out rules hold as a possible opt-out, also ends the run as a wrong number', async () => {
    s = await startEngineStack();
    const contactId = await missedCall();
    await replyAfterApology(contactId, 'Wrong number');
    expect(await s.run(contactId)).toMatchObject({ outcome: 'suppressed', outcome_reason: 'wrong-number' });
    await s.at(25 * HOUR);
    expect(s.sent(contactId).sms).toHaveLength(1);
  });

  it('an ordinary reply gives no triage task and recovers the run as before', async () => {
    s = await startEngineStack();
    const contactId = await missedCall();
    await replyAfterApology(contactId, 'ok thanks, call me after 5');
    expect(s.sent(contactId).tasks).toHaveLength(0);
    expect(await s.run(contactId)).toMatchObject({ outcome: 'recovered', outcome_reason: 'replied' });
  });
});

describe('reply triage of replies found through the API', () => {
  it('a reply whose webhook was lost is triaged when the next step finds it, exactly once when its webhook comes late', async () => {
    s = await startEngineStack();
    const contactId = await missedCall();
    // The reply's InboundMessage never reaches Ringback; the apology step's check of GHL finds it.
    s.sandbox.dropWebhooks({
      fraction: 1,
      seed: 1,
      match: (e) => e.type === 'InboundMessage' && e.messageType === 'SMS',
    });
    const reply = await s.sandbox.phone.reply({
      locationId: LOCATION_ID,
      contactId,
      body: 'water is flooding the kitchen!!',
    });
    s.sandbox.dropWebhooks(null);
    await s.at(3 * MIN);
    const urgent = () => s.sent(contactId).tasks.filter((t) => t.title.startsWith('URGENT:'));
    expect(urgent()).toHaveLength(1);
    expect(urgent()[0]?.assignedTo).toBe(USERS.maya);
    expect(s.sent(contactId).sms).toEqual([]);
    expect(await s.run(contactId)).toMatchObject({ status: 'ended', outcome: 'recovered' });
    // GHL delivers it after all (late): nothing is triaged twice.
    await s.sandbox.deliver({ ...reply.delivery.event, webhookId: 'late-reply' });
    await s.at(10 * MIN);
    expect(urgent()).toHaveLength(1);
    expect((await timelineTexts(contactId)).filter((t) => t.startsWith('Emergency in the reply'))).toHaveLength(1);
  });
});
