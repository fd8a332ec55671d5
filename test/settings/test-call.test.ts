import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import type { Runtime } from '../../src/runtime.js';
import { defaultSettings, type Settings } from '../../src/core/settings/schema.js';
import { assignRep } from '../../src/followup/round-robin.js';
import { authed, seedInstallation, startApi, tokenFor } from './api-helpers.js';
import { fakeGhl } from './fake-ghl.js';

let rt: Runtime;
let app: App;
let api: ReturnType<typeof authed>;

const USERS = [
  { id: 'user_ana', name: 'Ana Lopez' },
  { id: 'user_ben', name: 'Ben Carter' },
];

beforeAll(async () => {
  ({ rt } = await startApi());
  app = createApp({ ...rt.deps, ghl: fakeGhl({ users: USERS }) });
  await seedInstallation(rt.db.db, { locationId: 'loc_t', name: 'Bright Smile Dental', timezone: 'America/Chicago' });
  api = authed(app, await tokenFor(rt.app, 'loc_t'));
});
afterAll(async () => rt?.close());

async function save(change: (s: Settings) => void): Promise<void> {
  const current = await api.get('/api/settings');
  const doc = defaultSettings({ bookingLink: 'https://example.com/book' });
  change(doc);
  const res = await api
    .put('/api/settings')
    .set('If-Match', current.headers.etag ?? '')
    .send(doc);
  expect(res.status).toBe(200);
}

const contact = (phone: string, extra: Record<string, unknown> = {}) => ({
  firstName: 'Jane',
  lastName: 'Cooper',
  phone,
  ...extra,
});

describe('POST /api/test-call', () => {
  it('a call at 23:00 local shows the apology SMS deferred to 08:00 the next morning, in UTC and local time', async () => {
    await save(() => {});
    const res = await api
      .post('/api/test-call')
      .send({ contact: contact('+12125550187'), atLocal: '2026-01-05T23:00' });
    expect(res.status).toBe(200);
    expect(res.body.recipient).toMatchObject({
      timeZone: 'America/New_York',
      via: 'area-code',
      state: 'NY',
      window: { start: '08:00', end: '21:00' },
    });
    expect(res.body.at).toEqual({
      utc: '2026-01-06T04:00:00.000Z',
      local: '2026-01-05 23:00',
      timeZone: 'America/New_York',
    });
    const [sms, task, email] = res.body.steps;
    expect(sms).toMatchObject({
      id: 'apology-sms',
      outcome: 'send',
      scheduled: { local: '2026-01-05 23:02' },
      sendAt: { utc: '2026-01-06T13:00:00.000Z', local: '2026-01-06 08:00', timeZone: 'America/New_York' },
    });
    expect(sms.guards).toEqual([
      expect.objectContaining({
        kind: 'outside-send-window',
        until: expect.objectContaining({ local: '2026-01-06 08:00' }),
      }),
    ]);
    expect(sms.rendered.message).toBe(
      "Hi Jane, it's Bright Smile Dental. Sorry we missed your call! We'll call you back within 15 min, or book a time: https://example.com/book Reply STOP to opt out",
    );
    expect(sms.segments).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    // Tasks and emails are not texts: no send window for them.
    expect(task).toMatchObject({ outcome: 'send', sendAt: { local: '2026-01-05 23:15' }, guards: [] });
    expect(task.rendered.title).toBe('Call back Jane Cooper (unknown source)');
    expect(email.rendered.subject).toBe('Sorry we missed you, Jane');
    expect(email.rendered.html).toContain('Thank you for calling Bright Smile Dental');
  });

  it('a Florida number’s window ends at 20:00: a text due at 20:00 waits for the morning, a New York one goes', async () => {
    await save(() => {});
    const fl = await api.post('/api/test-call').send({ contact: contact('+13055550142'), atLocal: '2026-01-05T19:58' });
    expect(fl.body.recipient).toMatchObject({ state: 'FL', window: { start: '08:00', end: '20:00' } });
    expect(fl.body.steps[0]).toMatchObject({
      sendAt: { local: '2026-01-06 08:00' },
      guards: [expect.objectContaining({ kind: 'outside-send-window' })],
    });
    const ny = await api.post('/api/test-call').send({ contact: contact('+12125550187'), atLocal: '2026-01-05T19:58' });
    expect(ny.body.steps[0]).toMatchObject({ sendAt: { local: '2026-01-05 20:00' }, guards: [] });
  });

  it('matches the source, applies its tags and own text, and names who would be assigned without advancing round-robin', async () => {
    await save((s) => {
      s.sources = [
        {
          trackingNumber: '+15550001111',
          tag: 'Facebook Ad Caller',
          highValue: true,
          messages: {
            'apology-sms': 'Hi {{contact.firstName}}, thanks for calling about our ad! {{rep.name}} will call you.',
          },
          assignTo: [],
        },
      ];
      s.routing = { userIds: ['user_ana', 'user_ben'], rules: [] };
    });
    // One lead already went to Ana through the engine's own round-robin: Ben is next.
    const routing = { userIds: ['user_ana', 'user_ben'], rules: [] };
    const taken = await assignRep(rt.db.db, {
      locationId: 'loc_t',
      settings: { routing },
      source: { assignTo: [] },
      contactTags: [],
      sourceTag: 'Facebook Ad Caller',
    });
    expect(taken.userId).toBe('user_ana');
    const body = { contact: contact('+12125550187'), trackingNumber: '+15550001111', at: '2026-01-05T15:00:00Z' };
    const first = await api.post('/api/test-call').send(body);
    expect(first.body.source).toEqual({ trackingNumber: '+15550001111', tag: 'Facebook Ad Caller', highValue: true });
    expect(first.body.tags).toEqual(['Facebook Ad Caller', 'Missed Call', 'High Value Lead']);
    expect(first.body.assignee).toEqual({ userId: 'user_ben', name: 'Ben Carter', via: 'round-robin' });
    // Listed in the order the engine meets them: the high-value callback task (at the call) before the text.
    expect(first.body.steps.map((s: { id: string }) => s.id)).toEqual([
      'callback-task',
      'apology-sms',
      'resources-email',
      'final-sms',
    ]);
    expect(first.body.steps[1].rendered).toEqual({
      action: 'sms',
      message: 'Hi Jane, thanks for calling about our ad! Ben Carter will call you.',
      fromNumber: '+15550001111',
    });
    expect(first.body.steps[1].ownText).toBe(true);
    // A high-value line's callback: created at the call, titled PRIORITY, due within the high-value time.
    const task = first.body.steps[0];
    expect(task.rendered).toMatchObject({
      title: 'PRIORITY: Call back Jane Cooper (Facebook Ad Caller)',
      dueDate: '2026-01-05T15:05:00.000Z',
      assignedTo: 'user_ben',
    });
    expect(task.scheduled.local).toBe('2026-01-05 10:00');
    expect(task.due).toEqual({
      utc: '2026-01-05T15:05:00.000Z',
      local: '2026-01-05 10:05',
      timeZone: 'America/New_York',
    });
    expect(task.note).toMatch(/High-value lead/);
    const second = await api.post('/api/test-call').send(body);
    expect(second.body.assignee.userId).toBe('user_ben');
    const pointer = await rt.db.db
      .selectFrom('round_robin')
      .select('next_index')
      .where('location_id', '=', 'loc_t')
      .executeTakeFirst();
    expect(pointer?.next_index).toBe(1);
  });

  it('treats a call to an unmapped number as untracked, not as the first source', async () => {
    await save((s) => {
      s.sources = [
        { trackingNumber: '+15550001111', tag: 'Facebook Ad Caller', highValue: true, messages: {}, assignTo: [] },
      ];
    });
    const at = '2026-01-05T15:00:00Z';
    const unmapped = await api
      .post('/api/test-call')
      .send({ contact: contact('+12125550187'), trackingNumber: null, at });
    expect(unmapped.body.source).toBeNull();
    expect(unmapped.body.tags).toEqual(['Missed Call']);
    // Left out, the first source's line is tested.
    const left = await api.post('/api/test-call').send({ contact: contact('+12125550187'), at });
    expect(left.body.source.tag).toBe('Facebook Ad Caller');
  });

  it('shows DND skips and the touch cap deferring a second text', async () => {
    await save((s) => {
      s.sendWindow.maxTouchesPer24h = 1;
      s.sequence[3]!.after = 'PT3H';
    });
    const dnd = await api
      .post('/api/test-call')
      .send({ contact: contact('+12125550187', { dnd: true }), at: '2026-01-05T15:00:00Z' });
    expect(dnd.body.steps.map((s: { outcome: string }) => s.outcome)).toEqual(['skip', 'send', 'skip', 'skip']);
    expect(dnd.body.steps[0].guards[0].kind).toBe('dnd-sms');
    expect(dnd.body.steps[2].guards[0].kind).toBe('dnd-email');
    const capped = await api
      .post('/api/test-call')
      .send({ contact: contact('+12125550187'), at: '2026-01-05T15:00:00Z' });
    const last = capped.body.steps[3];
    expect(last.guards[0].kind).toBe('touch-cap');
    // The first text went at 10:02 New York time; one a day means the next waits 24 h.
    expect(last.sendAt.local).toBe('2026-01-06 10:02');
  });

  it('stores and sends nothing, and says when Ringback is off', async () => {
    await save((s) => {
      s.enabled = false;
    });
    const count = async () =>
      (
        await sql<{
          n: number;
        }>`select (select count(*) from runs) + (select count(*) from missed_calls) + (select count(*) from jobs) + (select count(*) from run_steps) as n`.execute(
          rt.db.db,
        )
      ).rows[0]?.n;
    const before = await count();
    const res = await api.post('/api/test-call').send({});
    expect(res.status).toBe(200);
    expect(res.body.enabled).toBe(false);
    expect(
      res.body.steps.every(
        (s: { outcome: string; guards: { kind: string }[] }) =>
          s.outcome === 'stop' && s.guards[0]?.kind === 'disabled',
      ),
    ).toBe(true);
    expect(await count()).toBe(before);
  });

  it('rejects a bad body with the field’s path', async () => {
    const res = await api.post('/api/test-call').send({ atLocal: 'tonight', contact: { firstName: 'J', tags: 'VIP' } });
    expect(res.status).toBe(400);
    const paths = res.body.error.details.map((d: { path: string }) => d.path).sort();
    expect(paths).toEqual(['atLocal', 'contact.tags']);
  });
});

describe('POST /api/preview', () => {
  it('renders a template for the sample contact with the SMS segment count and flags unknown variables', async () => {
    const res = await api
      .post('/api/preview')
      .send({ text: 'Hi {{contact.firstName}} from {{business.name}} {{nope}}', values: { source: 'Web' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      rendered: 'Hi Jane from Bright Smile Dental ',
      unknownVariables: ['nope'],
      segments: { segments: 1 },
    });
    const html = await api
      .post('/api/preview')
      .send({ text: '<p>Hi {{contact.name}}</p><p>A &amp; B</p>', html: true });
    expect(html.body.text).toBe('Hi Jane Cooper\nA & B');
    expect(html.body.segments).toBeNull();
  });
});
