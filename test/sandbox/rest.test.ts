import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../src/clock.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { CONTACTS, LOCATION_2_ID, LOCATION_ID, TRACKING_NUMBERS, USERS } from '../../src/sandbox/seed.js';
import { api, startSandbox } from './helpers.js';

let sandbox: Sandbox;
let clock: ManualClock;
let token: string;
beforeEach(async () => {
  ({ sandbox, clock } = await startSandbox());
  token = sandbox.issueTokens({ locationId: LOCATION_ID }).access_token;
});
afterEach(() => sandbox.close());

describe('sandbox REST', () => {
  it('enforces the Version each API documents with a 400 in GHL shape', async () => {
    const contacts = api(sandbox, token, '2021-04-15');
    const wrong = await contacts(`/contacts/${CONTACTS.jane}`);
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
    const missing = await fetch(`${sandbox.url}/contacts/${CONTACTS.jane}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(missing.status).toBe(400);
    expect((await api(sandbox, token, '2021-07-28')(`/contacts/${CONTACTS.jane}`)).status).toBe(200);
    const search = `/conversations/search?locationId=${LOCATION_ID}`;
    expect((await api(sandbox, token, '2021-07-28')(search)).status).toBe(400);
    expect((await api(sandbox, token, '2021-04-15')(search)).status).toBe(200);
    expect((await api(sandbox, token, '2021-04-15')(`/calendars/?locationId=${LOCATION_ID}`)).status).toBe(200);
  });

  it('keeps a Location token to its own location with 403', async () => {
    const get = api(sandbox, token, '2021-07-28');
    expect((await get(`/contacts/${CONTACTS.sam}`)).status).toBe(403);
    expect((await get(`/users/?locationId=${LOCATION_2_ID}`)).status).toBe(403);
    expect((await get(`/phone-system/numbers/location/${LOCATION_2_ID}`)).status).toBe(403);
  });

  it('answers 429 with Retry-After after 100 requests in 10 s and recovers when the clock moves on', async () => {
    const get = api(sandbox, token, '2021-07-28');
    const first = await get(`/locations/${LOCATION_ID}`);
    expect(first.headers.get('x-ratelimit-max')).toBe('100');
    expect(first.headers.get('x-ratelimit-remaining')).toBe('99');
    expect(first.headers.get('x-ratelimit-interval-milliseconds')).toBe('10000');
    expect(first.headers.get('x-ratelimit-limit-daily')).toBe('200000');
    expect(first.headers.get('x-ratelimit-daily-remaining')).toBe('199999');
    for (let i = 0; i < 99; i++) expect((await get(`/locations/${LOCATION_ID}`)).status).toBe(200);
    clock.advance(4_000);
    const limited = await get(`/locations/${LOCATION_ID}`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('6');
    expect(limited.headers.get('x-ratelimit-remaining')).toBe('0');
    const other = sandbox.issueTokens({ locationId: LOCATION_2_ID }).access_token;
    expect((await api(sandbox, other, '2021-07-28')(`/locations/${LOCATION_2_ID}`)).status).toBe(200);
    clock.advance(6_000);
    const again = await get(`/locations/${LOCATION_ID}`);
    expect(again.status).toBe(200);
    expect(again.headers.get('x-ratelimit-remaining')).toBe('99');
  });

  it('serves the seed: location, users, tracking numbers and calendars', async () => {
    const get = api(sandbox, token, '2021-07-28');
    const loc = (await (await get(`/locations/${LOCATION_ID}`)).json()) as { location: Record<string, unknown> };
    expect(loc.location).toMatchObject({ id: LOCATION_ID, name: 'Bright Smile Dental', timezone: 'America/New_York' });
    const users = (await (await get(`/users/?locationId=${LOCATION_ID}`)).json()) as { users: { id: string }[] };
    expect(users.users.map((u) => u.id)).toEqual([USERS.ana, USERS.ben, USERS.maya]);
    const numbers = (await (await get(`/phone-system/numbers/location/${LOCATION_ID}`)).json()) as {
      numbers: { phoneNumber: string; friendlyName: string }[];
    };
    expect(numbers.numbers).toContainEqual(
      expect.objectContaining({ phoneNumber: TRACKING_NUMBERS.facebook, friendlyName: 'Facebook Ad Line' }),
    );
  });

  it('tags contacts, creates and completes tasks, finds duplicates and upserts', async () => {
    const call = api(sandbox, token, '2021-07-28');
    const tags = await call(`/contacts/${CONTACTS.priya}/tags`, { method: 'POST', body: { tags: ['Missed Call'] } });
    expect(tags.status).toBe(201);
    expect(await tags.json()).toMatchObject({ tags: ['VIP', 'Missed Call'] });
    const task = await call(`/contacts/${CONTACTS.priya}/tasks`, {
      method: 'POST',
      body: { title: 'Call back Priya', dueDate: '2026-01-05T15:15:00Z', completed: false, assignedTo: USERS.ana },
    });
    expect(task.status).toBe(201);
    const { task: created } = (await task.json()) as { task: { id: string } };
    expect(sandbox.store.tasks(LOCATION_ID)).toHaveLength(1);
    const invalid = await call(`/contacts/${CONTACTS.priya}/tasks`, { method: 'POST', body: { title: 'x' } });
    expect(invalid.status).toBe(422);
    await call(`/contacts/${CONTACTS.priya}/tasks/${created.id}/completed`, {
      method: 'PUT',
      body: { completed: true },
    });
    expect(sandbox.store.task(created.id)?.completed).toBe(true);
    const dup = await call(`/contacts/search/duplicate?locationId=${LOCATION_ID}&number=%2B13055550142`);
    expect(await dup.json()).toMatchObject({ contact: { id: CONTACTS.jane } });
    const upsert = await call('/contacts/upsert', {
      method: 'POST',
      body: { locationId: LOCATION_ID, email: 'owner@example.com', name: 'Owner', tags: ['Digest'] },
    });
    expect(await upsert.json()).toMatchObject({ new: true, contact: { email: 'owner@example.com', tags: ['Digest'] } });
    // UpsertContactDto.tags "will overwrite all current tags".
    const again = await call('/contacts/upsert', {
      method: 'POST',
      body: { locationId: LOCATION_ID, email: 'owner@example.com', tags: ['Other'] },
    });
    expect(await again.json()).toMatchObject({ new: false, contact: { tags: ['Other'] } });
    const made = await call('/contacts/', {
      method: 'POST',
      body: { locationId: LOCATION_ID, email: 'new@example.com', tags: ['A'] },
    });
    expect(made.status).toBe(201);
    const twice = await call('/contacts/', {
      method: 'POST',
      body: { locationId: LOCATION_ID, email: 'new@example.com' },
    });
    expect(twice.status).toBe(400);
  });

  it('sends SMS and email, refuses SMS to a DND contact, and answers message reads in the documented shapes', async () => {
    const post = api(sandbox, token, '2021-04-15');
    const sms = await post('/conversations/messages', {
      method: 'POST',
      body: {
        type: 'SMS',
        contactId: CONTACTS.jane,
        message: 'Sorry we missed you',
        fromNumber: TRACKING_NUMBERS.facebook,
      },
    });
    expect(sms.status).toBe(200);
    expect(await sms.json()).toMatchObject({
      conversationId: expect.any(String),
      messageId: expect.any(String),
      msg: expect.any(String),
    });
    const [stored] = sandbox.store.messages(LOCATION_ID, CONTACTS.jane);
    expect(stored).toMatchObject({ direction: 'outbound', source: 'api', dateAdded: clock.now().toISOString() });
    const dnd = await post('/conversations/messages', {
      method: 'POST',
      body: { type: 'SMS', contactId: CONTACTS.tom, message: 'hi' },
    });
    expect(dnd.status).toBe(400);
    expect(await dnd.json()).toMatchObject({
      statusCode: 400,
      message: 'Cannot send message as DND is active for SMS.',
    });
    const email = await post('/conversations/messages', {
      method: 'POST',
      body: { type: 'Email', contactId: CONTACTS.olivia, subject: 'Hi', html: '<p>Hi</p>' },
    });
    expect(email.status).toBe(200);
    const { messageId: emailId } = (await email.json()) as { messageId: string };
    const one = (await (await post(`/conversations/messages/${emailId}`)).json()) as {
      message: Record<string, unknown>;
    };
    // MessageMeta.email holds only messageIds; no subject anywhere in the REST message.
    expect(one.message['meta']).toEqual({ email: { messageIds: [emailId] } });
    expect(one.message).not.toHaveProperty('subject');
    const search = await post(`/conversations/search?locationId=${LOCATION_ID}&contactId=${CONTACTS.jane}`);
    const { conversations, total } = (await search.json()) as { conversations: { id: string }[]; total: number };
    expect(total).toBe(1);
    const thread = await post(`/conversations/${conversations[0]?.id}/messages`);
    expect(await thread.json()).toMatchObject({
      messages: { nextPage: false, messages: [{ body: 'Sorry we missed you' }] },
    });
    const exported = await post(`/conversations/messages/export?locationId=${LOCATION_ID}&channel=SMS&limit=10`);
    expect(await exported.json()).toMatchObject({ total: 1, nextCursor: null });
  });

  it('records requests with clock time, status and token kind, never the Authorization header', async () => {
    await api(sandbox, token, '2021-07-28')(`/contacts/${CONTACTS.jane}?x=1`);
    const entry = sandbox.requests.at(-1);
    expect(entry).toMatchObject({
      method: 'GET',
      path: `/contacts/${CONTACTS.jane}`,
      query: { x: '1' },
      status: 200,
      tokenKind: 'Location',
      locationId: LOCATION_ID,
    });
    expect(entry?.at.toISOString()).toBe(clock.now().toISOString());
    expect(JSON.stringify(sandbox.requests)).not.toContain(token);
  });
});
