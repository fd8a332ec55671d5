import { afterEach, describe, expect, it } from 'vitest';
import {
  type EngineStack,
  HOUR,
  LOCATION_ID,
  MIN,
  PHONES,
  startEngineStack,
  TRACKING_NUMBERS,
} from '../helpers/engine.js';

let s: EngineStack;
afterEach(async () => {
  await s?.close();
});

async function missedCall() {
  const call = await s.missedCall({ from: PHONES.jane, to: TRACKING_NUMBERS.facebook, outcome: 'voicemail' });
  expect(call.delivery.status).toBe(200);
  return call;
}

describe('email webhooks as GHL documents them (to, cc, bcc as arrays)', () => {
  it('an email reply stops a run: the lead answers the apology by email and gets no more texts', async () => {
    s = await startEngineStack();
    const { contactId } = await missedCall();
    await s.at(2 * MIN);
    expect(s.sent(contactId).sms).toHaveLength(1);
    await s.at(10 * MIN);
    const reply = await s.sandbox.phone.replyByEmail({
      locationId: LOCATION_ID,
      contactId,
      body: '<p>Please call me at 4pm</p>',
    });
    expect(reply.delivery.event).toMatchObject({
      type: 'InboundMessage',
      messageType: 'Email',
      to: [expect.any(String)],
    });
    expect(reply.delivery.status).toBe(200);
    await s.settle();
    await s.at(25 * HOUR);
    const sent = s.sent(contactId);
    expect(sent.sms).toHaveLength(1);
    expect(sent.tasks).toHaveLength(0);
    expect(sent.email).toHaveLength(0);
    expect(await s.run(contactId)).toMatchObject({ outcome: 'recovered', outcome_reason: 'replied' });
  });

  it('accepts outbound and inbound email events with array recipients, cc, bcc and nulls, and stores them', async () => {
    s = await startEngineStack();
    const { contactId } = await missedCall();
    const email = {
      locationId: LOCATION_ID,
      contactId,
      body: '<div>Thanks</div>',
      conversationId: 'conv_x',
      dateAdded: s.clock.now().toISOString(),
      messageType: 'Email',
      emailMessageId: 'em_1',
      threadId: 'em_1',
      from: 'Jane Cooper <jane.cooper@example.com>',
      subject: 'Re: your call',
      to: ['office@bright-smile.example.com'],
      cc: ['partner@example.com', null],
      bcc: [],
      userId: null,
      conversationProviderId: null,
    };
    const inbound = await s.sandbox.deliver({ ...email, type: 'InboundMessage', direction: 'inbound' });
    const outbound = await s.sandbox.deliver({
      ...email,
      type: 'OutboundMessage',
      direction: 'outbound',
      source: 'app',
      emailMessageId: 'em_2',
      cc: null,
      bcc: ['audit@example.com'],
    });
    expect([inbound.status, outbound.status]).toEqual([200, 200]);
    await s.settle();
    const rows = await s.rt.db.db
      .selectFrom('webhook_inbox')
      .select(['webhook_id', 'processed_at', 'error'])
      .where('webhook_id', 'in', [inbound.webhookId, outbound.webhookId])
      .execute();
    expect(rows.map((r) => [r.processed_at !== null, r.error])).toEqual([
      [true, null],
      [true, null],
    ]);
  });
});
