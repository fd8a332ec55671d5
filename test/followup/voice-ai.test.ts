import { afterEach, describe, expect, it } from 'vitest';
import { CONTACTS } from '../../src/sandbox/seed.js';
import {
  type EngineStack,
  HOUR,
  LOCATION_ID,
  MIN,
  PHONES,
  startEngineStack,
  TRACKING_NUMBERS,
} from '../helpers/engine.js';
import { callAsAdmin } from '../helpers/session-api.js';

let s: EngineStack;
afterEach(async () => {
  await s?.close();
});

const T = { timeout: 120_000 };

async function missedCall(from: string) {
  const call = await s.sandbox.phone.placeCall({
    locationId: LOCATION_ID,
    from,
    to: TRACKING_NUMBERS.website,
    outcome: 'no-answer',
  });
  await s.settle();
  return call;
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
});
