import { afterEach, describe, expect, it } from 'vitest';
import { type EngineStack, LOCATION_ID, MIN, PHONES, startEngineStack, TRACKING_NUMBERS } from '../helpers/engine.js';

let s: EngineStack;
afterEach(async () => {
  await s?.close();
});

async function conversationOf(contactId: string): Promise<(string | null)[]> {
  const rows = await s.rt.db.db
    .selectFrom('missed_calls')
    .select('conversation_id')
    .where('contact_id', '=', contactId)
    .execute();
  return rows.map((r) => r.conversation_id);
}

// The call log links each lead to its conversation in GHL: the id comes with the call, by webhook or by sweep.
describe('the conversation of a missed call', () => {
  it('is kept from the InboundMessage webhook', async () => {
    s = await startEngineStack();
    const call = await s.sandbox.phone.placeCall({
      locationId: LOCATION_ID,
      from: PHONES.jane,
      to: TRACKING_NUMBERS.facebook,
      outcome: 'voicemail',
    });
    await s.settle();
    expect(call.conversationId).toMatch(/\S/);
    expect(await conversationOf(call.contactId)).toEqual([call.conversationId]);
  });

  it('is kept from the message export when the sweep finds a call whose webhook was lost', async () => {
    s = await startEngineStack();
    s.sandbox.dropWebhooks({ fraction: 1, seed: 1 });
    const call = await s.sandbox.phone.placeCall({
      locationId: LOCATION_ID,
      from: PHONES.marcus,
      to: TRACKING_NUMBERS.website,
      outcome: 'voicemail',
    });
    await s.settle();
    expect(call.delivery.dropped).toBe(true);
    for (let i = 0; i < 10; i++) {
      s.clock.set(s.clock.now().getTime() + MIN);
      await s.rt.tickSweep();
      await s.settle();
    }
    expect(await conversationOf(call.contactId)).toEqual([call.conversationId]);
  });
});
