/**
 * "Send this text to my phone" (POST /api/test-call/send-to-phone) against the sandbox's GHL: the dry run's text
 * goes to the admin's number through a contact found by phone or created (never upserted), not to a number on
 * Do Not Disturb or opted out, only for admins, at most 5 an hour per sub-account.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../src/clock.js';
import { defaultSettings } from '../../src/core/settings/schema.js';
import type { Runtime } from '../../src/runtime.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { authed, seedInstallation, startApi, tokenFor } from './api-helpers.js';

let rt: Runtime;
let sandbox: Sandbox;
let clock: ManualClock;
let admin: ReturnType<typeof authed>;
let rep: ReturnType<typeof authed>;

const call = { contact: { firstName: 'Jane', lastName: 'Cooper', phone: '+12125550187' }, trackingNumber: null };

async function saveDefaults(as: ReturnType<typeof authed>): Promise<void> {
  const current = await as.get('/api/settings');
  const res = await as
    .put('/api/settings')
    .set('If-Match', current.headers.etag ?? '')
    .send(defaultSettings({ bookingLink: 'https://example.com/book' }));
  expect(res.status).toBe(200);
}

function putContact(locationId: string, id: string, phone: string, extra: Record<string, unknown> = {}) {
  sandbox.store.putContact({
    id,
    locationId,
    firstName: 'Owner',
    lastName: null,
    name: 'Owner',
    email: null,
    phone,
    timezone: null,
    state: null,
    city: null,
    tags: ['VIP'],
    dnd: false,
    dndSettings: {},
    source: null,
    assignedTo: null,
    dateAdded: '2026-01-01T00:00:00Z',
    dateUpdated: '2026-01-01T00:00:00Z',
    ...extra,
  });
}

const smsTo = (locationId: string, contactId: string) =>
  sandbox.store
    .messages(locationId, contactId)
    .filter((m) => m.direction === 'outbound' && m.messageType === 'TYPE_SMS');

beforeAll(async () => {
  ({ rt, sandbox, clock } = await startApi());
  for (const locationId of ['loc_p', 'loc_q']) {
    await seedInstallation(rt.db.db, { locationId, name: 'Bright Smile Dental', timezone: 'America/New_York' });
  }
  admin = authed(rt.app, await tokenFor(rt.app, 'loc_p', { userId: 'user_maya', userName: 'Maya Patel' }));
  rep = authed(rt.app, await tokenFor(rt.app, 'loc_p', { userId: 'user_ben', role: 'user', userName: 'Ben Carter' }));
  await saveDefaults(admin);
});
afterAll(async () => rt?.close());

describe('POST /api/test-call/send-to-phone', () => {
  it('texts the dry run’s apology to a new number through a contact it creates with its own tag', async () => {
    const dry = await admin.post('/api/test-call').send(call);
    const apology = dry.body.steps.find((s: { id: string }) => s.id === 'apology-sms');
    expect(apology.rendered.message).toContain('Jane');
    const before = sandbox.requests.length;
    const res = await admin
      .post('/api/test-call/send-to-phone')
      .send({ ...call, to: '(917) 555-0148', stepId: 'apology-sms' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.to).toBe('(917) 555-0148');
    const contact = sandbox.store.contactByPhone('loc_p', '+19175550148');
    expect(contact).toMatchObject({ name: 'Maya Patel', tags: ['Ringback Test'] });
    const sent = smsTo('loc_p', contact?.id ?? '');
    expect(sent.map((m) => m.body)).toEqual([apology.rendered.message]);
    const paths = sandbox.requests.slice(before).map((r) => `${r.method} ${r.path}`);
    expect(paths).not.toContain('POST /contacts/upsert');
    expect(paths.filter((p) => p.startsWith('POST /contacts'))).toEqual(['POST /contacts/']);
  });

  it('uses the contact that has the number, keeping its tags, and sends the text asked for', async () => {
    putContact('loc_p', 'con_owner', '+13125550100');
    const before = sandbox.requests.length;
    const res = await admin
      .post('/api/test-call/send-to-phone')
      .send({ ...call, to: '312-555-0100', stepId: 'final-sms' });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(sandbox.store.contact('con_owner')?.tags).toEqual(['VIP']);
    const dry = await admin.post('/api/test-call').send(call);
    const last = dry.body.steps.find((s: { id: string }) => s.id === 'final-sms');
    expect(smsTo('loc_p', 'con_owner').map((m) => m.body)).toEqual([last.rendered.message]);
    const paths = sandbox.requests.slice(before).map((r) => `${r.method} ${r.path}`);
    expect(paths.filter((p) => p.startsWith('POST /contacts'))).toEqual([]);
  });

  it('sends nothing to a number on Do Not Disturb for texts, or that opted out', async () => {
    putContact('loc_p', 'con_dnd', '+13125550101', { dndSettings: { SMS: { status: 'active' } } });
    const dnd = await admin
      .post('/api/test-call/send-to-phone')
      .send({ ...call, to: '+13125550101', stepId: 'apology-sms' });
    expect(dnd.status).toBe(409);
    expect(dnd.body.error).toMatchObject({ code: 'DO_NOT_DISTURB' });
    expect(dnd.body.error.message).toContain('(312) 555-0101 is on Do Not Disturb');
    putContact('loc_p', 'con_out', '+13125550102');
    await rt.db.db
      .insertInto('contact_flags')
      .values({ location_id: 'loc_p', contact_id: 'con_out', sms_opted_out_at: new Date('2026-01-02T00:00:00Z') })
      .execute();
    const out = await admin
      .post('/api/test-call/send-to-phone')
      .send({ ...call, to: '+13125550102', stepId: 'apology-sms' });
    expect(out.status).toBe(409);
    expect(out.body.error.code).toBe('OPTED_OUT');
    expect(smsTo('loc_p', 'con_dnd')).toEqual([]);
    expect(smsTo('loc_p', 'con_out')).toEqual([]);
  });

  it('is for admins, and checks the number and the step', async () => {
    const byRep = await rep
      .post('/api/test-call/send-to-phone')
      .send({ ...call, to: '+19175550148', stepId: 'apology-sms' });
    expect(byRep.status).toBe(403);
    const cases: [Record<string, unknown>, string][] = [
      [{ to: 'call me', stepId: 'apology-sms' }, 'to'],
      [{ to: '555-01', stepId: 'apology-sms' }, 'to'],
      [{ to: '+19175550148', stepId: 'callback-task' }, 'stepId'],
      [{ to: '+19175550148', stepId: 'no-such-step' }, 'stepId'],
      [{ stepId: 'apology-sms' }, 'to'],
    ];
    for (const [extra, path] of cases) {
      const res = await admin.post('/api/test-call/send-to-phone').send({ ...call, ...extra });
      expect(res.status, JSON.stringify(extra)).toBe(400);
      expect(res.body.error.code).toMatch(/^(BAD_REQUEST|VALIDATION_FAILED)$/);
      expect(JSON.stringify(res.body.error), JSON.stringify(extra)).toContain(path);
    }
    const extra = await admin
      .post('/api/test-call/send-to-phone')
      .send({ ...call, to: '+19175550148', stepId: 'apology-sms', cc: 'x' });
    expect(extra.status).toBe(400);
  });

  it('sends at most 5 an hour per sub-account', async () => {
    const owner = authed(rt.app, await tokenFor(rt.app, 'loc_q', { userId: 'user_q', userName: 'Quinn Admin' }));
    await saveDefaults(owner);
    const body = { ...call, to: '+16465550177', stepId: 'apology-sms' };
    for (let i = 0; i < 5; i++) expect((await owner.post('/api/test-call/send-to-phone').send(body)).status).toBe(200);
    const sixth = await owner.post('/api/test-call/send-to-phone').send(body);
    expect(sixth.status).toBe(429);
    expect(sixth.body.error.code).toBe('RATE_LIMITED');
    const contact = sandbox.store.contactByPhone('loc_q', '+16465550177');
    expect(smsTo('loc_q', contact?.id ?? '')).toHaveLength(5);
    // Another sub-account is not held back, and the hour passes.
    expect((await admin.post('/api/test-call/send-to-phone').send(body)).status).toBe(200);
    clock.set(clock.now().getTime() + 61 * 60_000);
    // A fresh session: the page's token lasts less than the hour.
    const later = authed(rt.app, await tokenFor(rt.app, 'loc_q', { userId: 'user_q', userName: 'Quinn Admin' }));
    expect((await later.post('/api/test-call/send-to-phone').send(body)).status).toBe(200);
  });
});
