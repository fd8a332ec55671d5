import { createVerify, verify } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../src/clock.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { CONTACTS, LOCATION_ID, TRACKING_NUMBERS, USERS } from '../../src/sandbox/seed.js';
import { startReceiver, startSandbox } from './helpers.js';

let sandbox: Sandbox;
let clock: ManualClock;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
beforeEach(async () => {
  receiver = await startReceiver();
  ({ sandbox, clock } = await startSandbox({ appBaseUrl: receiver.url }));
});
afterEach(async () => {
  await sandbox.close();
  await receiver.close();
});

function parsed(i: number): Record<string, unknown> {
  return JSON.parse(receiver.received[i]?.raw.toString('utf8') ?? '{}') as Record<string, unknown>;
}

describe('sandbox webhooks', () => {
  it('delivers a missed call whose Ed25519 and RSA signatures verify over the raw bytes', async () => {
    const call = await sandbox.phone.placeCall({
      locationId: LOCATION_ID,
      from: '+13055550142',
      to: TRACKING_NUMBERS.facebook,
      outcome: 'missed',
    });
    expect(call.contactId).toBe(CONTACTS.jane);
    expect(call.delivery).toMatchObject({ ok: true, status: 200, attempts: [{ status: 200 }] });
    const got = receiver.received[0];
    if (!got) throw new Error('nothing received');
    const ed = String(got.headers['x-ghl-signature']);
    const rsa = String(got.headers['x-wh-signature']);
    expect(verify(null, got.raw, sandbox.keys.ed25519PublicPem, Buffer.from(ed, 'base64'))).toBe(true);
    expect(createVerify('sha256').update(got.raw).verify(sandbox.keys.rsaPublicPem, rsa, 'base64')).toBe(true);
    const tampered = Buffer.from(got.raw.toString('utf8').replace('no-answer', 'completed'));
    expect(verify(null, tampered, sandbox.keys.ed25519PublicPem, Buffer.from(ed, 'base64'))).toBe(false);
    expect(parsed(0)).toMatchObject({
      type: 'InboundMessage',
      locationId: LOCATION_ID,
      contactId: CONTACTS.jane,
      conversationId: call.conversationId,
      messageId: call.messageId,
      direction: 'inbound',
      messageType: 'CALL',
      status: 'no-answer',
      callStatus: 'no-answer',
      callDuration: 0,
      from: '+13055550142',
      to: TRACKING_NUMBERS.facebook,
      timestamp: '2026-01-05T15:00:00.000Z',
      webhookId: expect.any(String),
      dateAdded: '2026-01-05T15:00:00.000Z',
    });
  });

  it('nests status and duration under meta.call for the nested shape and creates unknown callers', async () => {
    const call = await sandbox.phone.placeCall({
      locationId: LOCATION_ID,
      from: '+12015550100',
      to: TRACKING_NUMBERS.google,
      outcome: 'voicemail',
      shape: 'nested',
    });
    const event = parsed(0);
    expect(event['meta']).toEqual({ call: { status: 'voicemail', duration: 24 } });
    expect(event).not.toHaveProperty('callStatus');
    expect(event['attachments']).toEqual([expect.stringContaining('/recordings/')]);
    expect(sandbox.store.contact(call.contactId)?.phone).toBe('+12015550100');
  });

  it('signs with one scheme or none when asked', async () => {
    await sandbox.deliver({ type: 'Ping' }, { sign: 'ed25519', webhookId: 'wh-1' });
    await sandbox.deliver({ type: 'Ping' }, { sign: 'none' });
    expect(receiver.received[0]?.headers['x-ghl-signature']).toBeDefined();
    expect(receiver.received[0]?.headers['x-wh-signature']).toBeUndefined();
    expect(parsed(0)['webhookId']).toBe('wh-1');
    expect(receiver.received[1]?.headers['x-ghl-signature']).toBeUndefined();
  });

  it('redelivers a 429 about 10 minutes later on its own clock, same bytes and timestamp, at most 6 times', async () => {
    const MIN = 60_000;
    receiver.statuses.push(429, 429);
    const d = await sandbox.deliver({ type: 'Ping' });
    expect(d.attempts.map((a) => a.status)).toEqual([429]);
    expect(d.nextAttemptAt!.getTime() - d.attempts[0]!.at.getTime()).toBeGreaterThanOrEqual(10 * MIN);
    expect(d.nextAttemptAt!.getTime() - d.attempts[0]!.at.getTime()).toBeLessThanOrEqual(11 * MIN);
    // Not before its time: 9 minutes on, nothing is due.
    clock.advance(9 * MIN);
    expect(await sandbox.redeliverDue()).toEqual([]);
    clock.advance(2 * MIN);
    await sandbox.redeliverDue();
    expect(d.attempts.map((a) => a.status)).toEqual([429, 429]);
    clock.advance(11 * MIN);
    await sandbox.redeliverDue();
    expect(d).toMatchObject({ status: 200, ok: true, nextAttemptAt: null });
    expect(new Set(receiver.received.map((r) => r.raw.toString())).size).toBe(1);
    expect(JSON.parse(receiver.received[2]!.raw.toString())['timestamp']).toBe('2026-01-05T15:00:00.000Z');

    receiver.statuses.push(...Array<number>(10).fill(429));
    const gaveUp = await sandbox.deliver({ type: 'Ping' });
    for (let i = 0; i < 8; i++) {
      clock.advance(11 * MIN);
      await sandbox.redeliverDue();
    }
    expect(gaveUp.attempts.map((a) => a.status)).toEqual(Array<number>(7).fill(429));
    expect(gaveUp).toMatchObject({ ok: false, nextAttemptAt: null });
    expect(sandbox.pendingRedeliveries()).toEqual([]);
  });

  it('never redelivers anything but a 429: a 400, a 500 or no answer is lost', async () => {
    receiver.statuses.push(400, 500);
    const refused = await sandbox.deliver({ type: 'Ping' });
    const failed = await sandbox.deliver({ type: 'Ping' });
    sandbox.setAppBaseUrl('http://127.0.0.1:1');
    const unanswered = await sandbox.deliver({ type: 'Ping' });
    clock.advance(120 * 60_000);
    expect(await sandbox.redeliverDue()).toEqual([]);
    expect([refused, failed, unanswered].map((d) => d.attempts.map((a) => a.status))).toEqual([[400], [500], [0]]);
    expect(receiver.received).toHaveLength(2);
  });

  it('delivers callbacks, replies, bookings, task completions, DND changes and installs', async () => {
    await sandbox.phone.returnCall({
      locationId: LOCATION_ID,
      contactId: CONTACTS.marcus,
      userId: USERS.ben,
      answered: false,
    });
    expect(parsed(0)).toMatchObject({
      type: 'OutboundMessage',
      messageType: 'CALL',
      direction: 'outbound',
      status: 'completed',
      callStatus: 'no-answer',
      callDuration: 0,
      userId: USERS.ben,
    });
    await sandbox.phone.reply({ locationId: LOCATION_ID, contactId: CONTACTS.marcus, body: 'call me' });
    expect(parsed(1)).toMatchObject({ type: 'InboundMessage', messageType: 'SMS', body: 'call me' });
    await sandbox.phone.bookAppointment({ locationId: LOCATION_ID, contactId: CONTACTS.marcus });
    expect(parsed(2)).toMatchObject({ type: 'AppointmentCreate', appointment: { contactId: CONTACTS.marcus } });
    await sandbox.phone.setDnd({ locationId: LOCATION_ID, contactId: CONTACTS.marcus, channels: { SMS: 'active' } });
    expect(parsed(3)).toMatchObject({ type: 'ContactDndUpdate', dndSettings: { SMS: { status: 'active' } } });
    sandbox.store.addTask({
      id: 'task_1',
      locationId: LOCATION_ID,
      contactId: CONTACTS.marcus,
      title: 'Call back',
      body: null,
      assignedTo: USERS.ana,
      dueDate: '2026-01-05T15:15:00.000Z',
      completed: false,
      dateAdded: '2026-01-05T15:00:00.000Z',
    });
    await sandbox.phone.completeTask({ locationId: LOCATION_ID, taskId: 'task_1' });
    expect(parsed(4)).toMatchObject({ type: 'TaskComplete', id: 'task_1', contactId: CONTACTS.marcus });
    expect(sandbox.store.task('task_1')?.completed).toBe(true);
    await sandbox.phone.uninstall({ locationId: LOCATION_ID });
    expect(parsed(5)).toMatchObject({ type: 'UNINSTALL', appId: sandbox.appId, locationId: LOCATION_ID });
    expect(sandbox.store.isInstalled(LOCATION_ID)).toBe(false);
    expect(sandbox.store.messages(LOCATION_ID, CONTACTS.marcus)).toHaveLength(2);
    expect(sandbox.store.deliveries()).toHaveLength(6);
  });

  it('echoes API-sent messages as OutboundMessage webhooks when echoApiMessages is on', async () => {
    const echo = await startSandbox({ appBaseUrl: receiver.url, echoApiMessages: true });
    try {
      const extra = echo.sandbox.addLocation({ installed: true });
      const token = echo.sandbox.issueTokens({ locationId: extra.location.id }).access_token;
      const call = await echo.sandbox.phone.placeCall({
        locationId: extra.location.id,
        from: '+15125550123',
        to: extra.numbers[0]?.phoneNumber ?? '',
        outcome: 'busy',
      });
      await fetch(`${echo.sandbox.url}/conversations/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, version: '2021-04-15', 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'SMS', contactId: call.contactId, message: 'Sorry!' }),
      });
      await expect.poll(() => receiver.received.length).toBe(2);
      expect(parsed(1)).toMatchObject({ type: 'OutboundMessage', messageType: 'SMS', source: 'api', body: 'Sorry!' });
    } finally {
      await echo.sandbox.close();
    }
  });
});
