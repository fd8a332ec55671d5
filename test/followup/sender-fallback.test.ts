import { afterEach, describe, expect, it } from 'vitest';
import { type EngineStack, LOCATION_ID, MIN, PHONES, startEngineStack } from '../helpers/engine.js';

let s: EngineStack;
afterEach(() => s?.close());

describe('SMS sender', () => {
  it("falls back to the location's default number when GHL refuses the tracking number as sender, and says so on the timeline", async () => {
    s = await startEngineStack();
    // A number the caller dialled that GHL will not send from (not an SMS number of the location).
    const pooled = '+15550007777';
    const call = await s.sandbox.phone.placeCall({
      locationId: LOCATION_ID,
      from: PHONES.jane,
      to: pooled,
      outcome: 'voicemail',
    });
    await s.settle();
    await s.advance(3 * MIN);
    const sends = s.sandbox.requests.filter((r) => r.method === 'POST' && r.path === '/conversations/messages');
    expect(sends.map((r) => [r.status, (r.body as { fromNumber?: string }).fromNumber])).toEqual([
      [400, pooled],
      [200, undefined],
    ]);
    expect(s.sent(call.contactId).sms).toHaveLength(1);
    const db = s.rt.db.db;
    const step = await db
      .selectFrom('run_steps')
      .selectAll()
      .where('step_id', '=', 'apology-sms')
      .executeTakeFirstOrThrow();
    expect(step.state).toBe('done');
    const events = await db.selectFrom('run_events').selectAll().where('kind', '=', 'sender-fallback').execute();
    expect(events).toHaveLength(1);
    expect(events[0]?.detail).toMatchObject({ refused: pooled, fellBackTo: 'default number' });
  });
});
