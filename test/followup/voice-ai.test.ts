import { afterEach, describe, expect, it } from 'vitest';
import { TASK_UPDATED_TEXT } from '../../src/followup/voice-ai-task-job.js';
import { CONTACTS } from '../../src/sandbox/seed.js';
import { type EngineStack, HOUR, LOCATION_ID, MIN, PHONES, startEngineStack } from '../helpers/engine.js';
import { callAsAdmin } from '../helpers/session-api.js';
import { FAST_GHL } from '../helpers/stack.js';

let s: EngineStack;
afterEach(async () => {
  await s?.close();
});

const T = { timeout: 120_000 };

function missedCall(from: string) {
  return s.missedCall({ from });
}

async function timeline(contactId: string) {
  const rows = await s.rt.db.db
    .selectFrom('run_events')
    .innerJoin('runs', 'runs.id', 'run_events.run_id')
    .select(['run_events.kind', 'run_events.detail'])
    .where('runs.contact_id', '=', contactId)
    .orderBy('run_events.id')
    .execute();
  return rows.map((r) => ({ kind: r.kind, text: (r.detail as { text?: string }).text ?? null }));
}

describe('GHL Voice AI awareness', () => {
  it(
    'the AI booked the caller after the missed call came: recovered "handled by Voice AI", no apology, once however often GHL delivers it',
    T,
    async () => {
      s = await startEngineStack();
      const call = await missedCall(PHONES.jane);
      const { delivery } = await s.sandbox.phone.voiceAiCallEnd({
        locationId: LOCATION_ID,
        contactId: call.contactId,
        outcome: 'booked',
        messageId: call.messageId,
      });
      await s.settle();
      // GHL redelivers the same event (a 429 earlier): nothing changes.
      await s.sandbox.deliver({ ...delivery.event, webhookId: `${String(delivery.event.webhookId)}-again` });
      await s.at(30 * MIN);
      expect(await s.run(call.contactId)).toMatchObject({
        status: 'ended',
        outcome: 'recovered',
        outcome_reason: 'voice-ai',
      });
      expect(s.sent(call.contactId)).toMatchObject({ sms: [], tasks: [] });
      const events = (await timeline(call.contactId)).filter((e) => e.kind === 'voice-ai');
      expect(events).toEqual([
        {
          kind: 'voice-ai',
          text: 'Handled by Voice AI: HighLevel’s Voice AI answered and booked an appointment; no apology text goes.',
        },
      ]);
    },
  );

  it(
    'the AI booked the caller before the missed call was processed: the run is recovered at once, nothing is sent',
    T,
    async () => {
      s = await startEngineStack();
      await s.sandbox.phone.voiceAiCallEnd({ locationId: LOCATION_ID, contactId: CONTACTS.jane, outcome: 'booked' });
      await s.settle();
      const call = await missedCall(PHONES.jane);
      expect(call.contactId).toBe(CONTACTS.jane);
      await s.at(3 * HOUR);
      expect(await s.run(call.contactId)).toMatchObject({ outcome: 'recovered', outcome_reason: 'voice-ai' });
      expect(s.sent(call.contactId)).toMatchObject({ sms: [], email: [], tasks: [] });
    },
  );

  it('the AI took a message: the apology goes, and the rep’s callback task carries the AI’s summary', T, async () => {
    s = await startEngineStack();
    const call = await missedCall(PHONES.marcus);
    await s.sandbox.phone.voiceAiCallEnd({
      locationId: LOCATION_ID,
      contactId: call.contactId,
      outcome: 'message',
      summary: 'Wants a quote for two crowns, free after 4 pm.',
    });
    await s.settle();
    await s.at(16 * MIN);
    const sent = s.sent(call.contactId);
    expect(sent.sms).toHaveLength(1);
    expect(sent.tasks).toHaveLength(1);
    expect(sent.tasks[0]?.title).toMatch(/^Call back .*: Voice AI took a message$/);
    expect(sent.tasks[0]?.body).toMatch(/^Voice AI's summary: Wants a quote for two crowns, free after 4 pm\.\n\n/);
    // The dashboard counts the missed calls the AI handled.
    const stats = await callAsAdmin(s, '/api/stats?days=7');
    expect(stats.body.voiceAi).toEqual({ handled: 1, booked: 0, messages: 1, hungUp: 0 });
  });

  it(
    'the caller hung up on the AI within seconds: the first text offers texting, the later one does not',
    T,
    async () => {
      s = await startEngineStack();
      const call = await missedCall(PHONES.marcus);
      await s.sandbox.phone.voiceAiCallEnd({ locationId: LOCATION_ID, contactId: call.contactId, outcome: 'hung-up' });
      await s.settle();
      await s.at(3 * MIN);
      await s.at(25 * HOUR);
      const sms = s.sent(call.contactId).sms;
      expect(sms).toHaveLength(2);
      expect(sms[0]?.body).toMatch(/Prefer to text\? Just reply here\.$/);
      expect(sms[1]?.body).not.toMatch(/Prefer to text/);
    },
  );

  it(
    'at a location that uses Voice AI, the first text waits a few minutes for the AI’s event, and goes when it never comes',
    T,
    async () => {
      s = await startEngineStack();
      // Another caller's AI call earlier: this location uses Voice AI.
      await s.sandbox.phone.voiceAiCallEnd({ locationId: LOCATION_ID, contactId: CONTACTS.priya, outcome: 'message' });
      await s.settle();
      const call = await missedCall(PHONES.marcus);
      await s.at(4 * MIN);
      expect(s.sent(call.contactId).sms).toEqual([]);
      expect((await timeline(call.contactId)).map((e) => e.text)).toContain(
        'Text waits a few minutes: HighLevel’s Voice AI may still be talking to the caller, and if it books them no apology is needed.',
      );
      await s.at(6 * MIN);
      expect(s.sent(call.contactId).sms).toHaveLength(1);
    },
  );

  it(
    'an AI booking that comes late, after the apology went, still recovers the run and stops the rest',
    T,
    async () => {
      s = await startEngineStack();
      const call = await missedCall(PHONES.marcus);
      await s.at(10 * MIN);
      expect(s.sent(call.contactId).sms).toHaveLength(1);
      await s.sandbox.phone.voiceAiCallEnd({
        locationId: LOCATION_ID,
        contactId: call.contactId,
        outcome: 'booked',
        startedAt: new Date(s.t0.getTime() + 30_000),
      });
      await s.settle();
      await s.at(25 * HOUR);
      expect(await s.run(call.contactId)).toMatchObject({ outcome: 'recovered', outcome_reason: 'voice-ai' });
      expect(s.sent(call.contactId)).toMatchObject({ tasks: [], email: [] });
      expect(s.sent(call.contactId).sms).toHaveLength(1);
    },
  );

  it(
    'the AI’s event ends the first text’s wait at once: the text goes when the event comes, not minutes later',
    T,
    async () => {
      s = await startEngineStack();
      await s.sandbox.phone.voiceAiCallEnd({ locationId: LOCATION_ID, contactId: CONTACTS.priya, outcome: 'message' });
      await s.settle();
      const call = await missedCall(PHONES.marcus);
      await s.at(3 * MIN);
      expect(s.sent(call.contactId).sms).toEqual([]);
      // The caller hung up on the AI: the event comes at +3 min, the wait would have lasted until +5 min.
      await s.sandbox.phone.voiceAiCallEnd({
        locationId: LOCATION_ID,
        contactId: call.contactId,
        outcome: 'hung-up',
        startedAt: new Date(s.t0.getTime() + 20_000),
      });
      await s.settle();
      const sms = s.sent(call.contactId).sms;
      expect(sms).toHaveLength(1);
      expect(sms[0]?.at).toBe(new Date(s.t0.getTime() + 3 * MIN).toISOString());
      expect(sms[0]?.body).toMatch(/Prefer to text\? Just reply here\.$/);
    },
  );

  it(
    'a summary that comes after the callback task went to GHL is put on that task, once however often GHL delivers it',
    T,
    async () => {
      s = await startEngineStack();
      const call = await missedCall(PHONES.marcus);
      await s.at(16 * MIN);
      const [before] = s.sent(call.contactId).tasks;
      expect(before?.body).not.toContain('Voice AI');
      const { delivery } = await s.sandbox.phone.voiceAiCallEnd({
        locationId: LOCATION_ID,
        contactId: call.contactId,
        outcome: 'message',
        summary: 'Wants a quote for two crowns, free after 4 pm.',
        startedAt: new Date(s.t0.getTime() + 30_000),
      });
      await s.settle();
      await s.sandbox.deliver({ ...delivery.event, webhookId: `${String(delivery.event.webhookId)}-again` });
      await s.advance(10 * MIN);
      const tasks = s.sent(call.contactId).tasks;
      expect(tasks).toHaveLength(1);
      expect(tasks[0]?.title).toBe(`${before?.title}: Voice AI took a message`);
      expect(tasks[0]?.body).toBe(
        `Voice AI's summary: Wants a quote for two crowns, free after 4 pm.\n\n${before?.body}`,
      );
      expect(tasks[0]?.dueDate).toBe(before?.dueDate);
      const puts = s.sandbox.requests.filter(
        (r) => r.method === 'PUT' && /^\/contacts\/[^/]+\/tasks\/[^/]+$/.test(r.path),
      );
      expect(puts).toHaveLength(1);
      expect((await timeline(call.contactId)).filter((e) => e.text === TASK_UPDATED_TEXT)).toHaveLength(1);
    },
  );

  it(
    'an update of the task whose answer was lost is not made twice: the next attempt finds the summary there',
    T,
    async () => {
      s = await startEngineStack({ ghlOptions: { ...FAST_GHL, timeoutMs: 400, maxAttempts: 1 } });
      const call = await missedCall(PHONES.marcus);
      await s.at(16 * MIN);
      const taskPath = /^\/contacts\/[^/]+\/tasks\/[^/]+$/;
      // GHL applies the update, but its answer comes after Ringback stopped waiting.
      s.sandbox.faults.add({ method: 'PUT', path: taskPath, kind: 'latency', latencyMs: 1_200, times: 1 });
      await s.sandbox.phone.voiceAiCallEnd({
        locationId: LOCATION_ID,
        contactId: call.contactId,
        outcome: 'message',
        summary: 'Leak under the sink, call after 5.',
        startedAt: new Date(s.t0.getTime() + 30_000),
      });
      await s.settle();
      const job = () =>
        s.rt.db.db
          .selectFrom('jobs')
          .select(['state', 'attempts'])
          .where('unique_key', 'like', 'voice-ai-task:%')
          .executeTakeFirstOrThrow();
      expect(await job()).toMatchObject({ state: 'pending', attempts: 1 });
      await expect
        .poll(() => s.sent(call.contactId).tasks[0]?.body, { timeout: 10_000 })
        .toMatch(/^Voice AI's summary/);
      await s.advance(30 * MIN);
      expect(await job()).toMatchObject({ state: 'done' });
      const body = s.sent(call.contactId).tasks[0]?.body ?? '';
      expect(body.match(/Voice AI's summary/g)).toHaveLength(1);
      const puts = s.sandbox.requests.filter((r) => r.method === 'PUT' && taskPath.test(r.path));
      expect(puts).toHaveLength(1);
      expect((await timeline(call.contactId)).filter((e) => e.text === TASK_UPDATED_TEXT)).toHaveLength(1);
    },
  );
});
