import { afterEach, describe, expect, it } from 'vitest';
import { type EngineStack, LOCATION_ID, MIN, startEngineStack, TRACKING_NUMBERS, USERS } from '../helpers/engine.js';

let s: EngineStack;
afterEach(async () => {
  await s?.close();
});

function missedCall(from: string) {
  return s.missedCall({ from, to: TRACKING_NUMBERS.facebook, outcome: 'voicemail' });
}

const contactEvents = (contactId: string) =>
  s.rt.db.db.selectFrom('contact_events').select(['kind', 'ref']).where('contact_id', '=', contactId).execute();

describe('GHL CRM events', () => {
  it('ContactDelete ends the contact’s run, suppressed, and nothing more is sent', async () => {
    s = await startEngineStack();
    const { contactId } = await missedCall('+12125550301');
    await s.at(3 * MIN);
    expect(s.sent(contactId).sms).toHaveLength(1);
    const deleted = await s.sandbox.deleteContact(contactId);
    expect(deleted.status).toBe(200);
    await s.settle();
    expect(await s.run(contactId)).toMatchObject({
      status: 'ended',
      outcome: 'suppressed',
      outcome_reason: 'contact-deleted',
    });
    await s.at(30 * MIN);
    expect(s.sent(contactId).tasks).toHaveLength(0);
  });

  it('the rep completing Ringback’s callback task ends the run recovered (TaskComplete), and nothing more is sent', async () => {
    s = await startEngineStack();
    const { contactId } = await missedCall('+12125550302');
    await s.at(16 * MIN);
    const [task] = s.sandbox.store.tasks(LOCATION_ID, contactId);
    expect(task?.title).toContain('Call back');
    await s.sandbox.phone.completeTask({ locationId: LOCATION_ID, taskId: task!.id });
    await s.settle();
    expect(await s.run(contactId)).toMatchObject({
      status: 'ended',
      outcome: 'recovered',
      outcome_reason: 'callback-completed',
    });
    expect(await contactEvents(contactId)).toContainEqual({ kind: 'task-completed', ref: task!.id });
    await s.at(25 * 60 * MIN);
    expect(s.sent(contactId).sms).toHaveLength(1);
    expect(s.sent(contactId).email).toHaveLength(0);
  });

  it('a rep GHL deleted leaves round-robin, and comes back when created again', async () => {
    s = await startEngineStack();
    const ben = s.sandbox.store.user(LOCATION_ID, USERS.ben)!;
    expect((await s.sandbox.deleteUser(LOCATION_ID, USERS.ben)).status).toBe(200);
    const first = [];
    for (const from of ['+12125550311', '+12125550312', '+12125550313']) first.push(await missedCall(from));
    await s.at(20 * MIN);
    for (const c of first) expect(s.sent(c.contactId).tasks.map((t) => t.assignedTo)).toEqual([USERS.ana]);

    expect((await s.sandbox.addUser(ben)).status).toBe(200);
    const later = [];
    for (const from of ['+12125550314', '+12125550315']) later.push(await missedCall(from));
    await s.at(40 * MIN);
    const assigned = later.flatMap((c) => s.sent(c.contactId).tasks.map((t) => t.assignedTo));
    expect(assigned.sort()).toEqual([USERS.ana, USERS.ben].sort());
  });

  it('knows its own outbound texts by message id, whatever their source, and counts a human’s as contact', async () => {
    s = await startEngineStack();
    const { contactId } = await missedCall('+12125550321');
    await s.at(3 * MIN);
    const ours = s.sandbox.store
      .messages(LOCATION_ID, contactId)
      .find((m) => m.direction === 'outbound' && m.source === 'api')!;
    const echo = (over: Record<string, unknown>) =>
      s.sandbox.deliver({
        type: 'OutboundMessage',
        locationId: LOCATION_ID,
        contactId,
        conversationId: ours.conversationId,
        messageType: 'SMS',
        direction: 'outbound',
        body: ours.body,
        dateAdded: s.clock.now().toISOString(),
        ...over,
      });
    // GHL's echo of Ringback's own text, without the `source` the old check relied on.
    expect((await echo({ messageId: ours.id })).status).toBe(200);
    await s.settle();
    expect((await contactEvents(contactId)).map((e) => e.kind)).not.toContain('manual-message');

    // A rep's text from GHL's app (source `app`): the business reached out.
    expect(
      (await echo({ messageId: 'msg_by_rep', body: 'Hi, this is Ana', source: 'app', userId: USERS.ana })).status,
    ).toBe(200);
    await s.settle();
    expect(await contactEvents(contactId)).toContainEqual({ kind: 'manual-message', ref: 'msg_by_rep' });
  });
});
