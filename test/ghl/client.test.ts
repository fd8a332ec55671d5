import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type GhlApi,
  GhlNotInstalledError,
  GhlOutcomeUnknownError,
  GhlRateLimitedError,
  GhlRequestError,
  GhlUnavailableError,
} from '../../src/ghl/api.js';
import { createGhlClient } from '../../src/ghl/client.js';
import type { GhlClientOptions } from '../../src/ghl/http.js';
import type { Message } from '../../src/sandbox/model.js';
import { CONTACTS, LOCATION_ID, USERS } from '../../src/sandbox/seed.js';
import { silentLogger } from '../helpers/logger.js';
import { FAST_GHL, installVia, type Stack, startStack } from '../helpers/stack.js';

let stack: Stack;
let ghl: GhlApi;
beforeAll(async () => {
  stack = await startStack();
  ghl = stack.rt.deps.ghl!;
  await installVia(stack, { locationId: LOCATION_ID });
});
afterEach(() => {
  stack.sandbox.faults.clear();
  // A fresh rate window on both sides for the next test.
  stack.clock.advance(10_000);
});
afterAll(() => stack?.close());

/** Another client on the same database (own limiter), for tests that need other options. */
function client(options: GhlClientOptions): GhlApi {
  const { db, config, clock } = stack.rt.deps;
  return createGhlClient({ db, config, clock, logger: silentLogger, options: { ...FAST_GHL, ...options } });
}

const since = (path: string) => stack.sandbox.requests.filter((r) => r.path === path);

describe('GHL client', () => {
  it('speaks every endpoint with the right Version and maps the documented answers', async () => {
    const before = stack.sandbox.requests.length;
    expect(await ghl.getContact(LOCATION_ID, CONTACTS.jane)).toMatchObject({
      id: CONTACTS.jane,
      firstName: 'Jane',
      tags: [],
      dnd: false,
    });
    expect((await ghl.getContact(LOCATION_ID, CONTACTS.olivia)).dndSettings.SMS?.status).toBe('active');
    await ghl.addTags(LOCATION_ID, CONTACTS.jane, ['Missed Call']);
    const task = await ghl.createTask(LOCATION_ID, CONTACTS.jane, {
      title: 'Call back',
      body: 'b',
      dueDate: stack.clock.now(),
      assignedTo: USERS.ana,
    });
    expect(task.id).toMatch(/^task_/);
    expect(await ghl.listTasks(LOCATION_ID, CONTACTS.jane)).toContainEqual(
      expect.objectContaining({ id: task.id, title: 'Call back', assignedTo: USERS.ana, completed: false }),
    );
    const sent = await ghl.sendMessage(LOCATION_ID, {
      type: 'SMS',
      contactId: CONTACTS.jane,
      message: 'Sorry we missed you',
    });
    expect(sent.messageId).toMatch(/^msg_/);
    const history = await ghl.listMessagesSince(
      LOCATION_ID,
      CONTACTS.jane,
      new Date(stack.clock.now().getTime() - 60_000),
    );
    expect(history.map((m) => m.id)).toContain(sent.messageId);
    expect(await ghl.findContactByEmail(LOCATION_ID, 'owner@example.com')).toBeNull();
    const owner = await ghl.createContact(LOCATION_ID, { email: 'owner@example.com', name: 'Owner' });
    expect(owner.id).toMatch(/^con_/);
    expect(await ghl.findContactByEmail(LOCATION_ID, 'owner@example.com')).toEqual({ id: owner.id, tags: [] });
    expect(await ghl.getLocation(LOCATION_ID)).toMatchObject({
      id: LOCATION_ID,
      name: 'Bright Smile Dental',
      timezone: 'America/New_York',
    });
    expect(await ghl.listUsers(LOCATION_ID)).toHaveLength(3);
    expect(await ghl.listPhoneNumbers(LOCATION_ID)).toHaveLength(4);
    expect((await ghl.listCalendars(LOCATION_ID))[0]).toMatchObject({ name: 'New Patient Consultation' });
    const answered = stack.sandbox.requests.slice(before);
    expect(answered.filter((r) => r.status >= 300)).toEqual([]);
    expect(stack.sandbox.store.contact(CONTACTS.jane)?.tags).toContain('Missed Call');
  });

  it("a null in one message field does not fail the page: the conversation's other messages still come back", async () => {
    const sent = await ghl.sendMessage(LOCATION_ID, { type: 'SMS', contactId: CONTACTS.jane, message: 'first' });
    const conversationId = stack.sandbox.store.message(sent.messageId)!.conversationId;
    const at = stack.clock.now().toISOString();
    const odd = {
      id: 'msg_nulls',
      type: 1,
      messageType: 'TYPE_CALL',
      locationId: LOCATION_ID,
      contactId: CONTACTS.jane,
      conversationId,
      dateAdded: at,
      direction: 'inbound',
      status: null,
      body: null,
      contentType: null,
      attachments: null,
      meta: { call: null },
      source: null,
      userId: null,
    };
    stack.sandbox.store.addMessage(odd as unknown as Message);
    const history = await ghl.listMessagesSince(
      LOCATION_ID,
      CONTACTS.jane,
      new Date(stack.clock.now().getTime() - 60_000),
    );
    expect(history.map((m) => m.id)).toEqual(expect.arrayContaining([sent.messageId, 'msg_nulls']));
  });

  it('turns a 429 into GhlRateLimitedError at Retry-After on the injected clock, without retrying', async () => {
    stack.sandbox.faults.add({ path: `/contacts/${CONTACTS.jane}`, kind: '429', retryAfterSeconds: 7, times: 1 });
    const before = since(`/contacts/${CONTACTS.jane}`).length;
    const err = await ghl.getContact(LOCATION_ID, CONTACTS.jane).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GhlRateLimitedError);
    expect((err as GhlRateLimitedError).retryAt).toEqual(new Date(stack.clock.now().getTime() + 7_000));
    expect(since(`/contacts/${CONTACTS.jane}`).length).toBe(before + 1);
    await expect(ghl.getContact(LOCATION_ID, CONTACTS.jane)).resolves.toMatchObject({ id: CONTACTS.jane });
  });

  it("honours GHL's own limit (real X-RateLimit headers) when our budget is set above it", async () => {
    // A generous timeout: a retried timeout would be one more request in GHL's window.
    const eager = client({ rateLimit: { max: 1000, intervalMs: 10_000 }, timeoutMs: 10_000 });
    const sent = stack.sandbox.requests.length;
    const results = await Promise.allSettled(Array.from({ length: 105 }, () => eager.listUsers(LOCATION_ID)));
    const limited = results.filter((r) => r.status === 'rejected');
    expect(stack.sandbox.requests.length - sent).toBe(105);
    expect(limited).toHaveLength(5);
    for (const r of limited) {
      expect(r.reason).toBeInstanceOf(GhlRateLimitedError);
      expect((r.reason as GhlRateLimitedError).retryAt.getTime()).toBe(stack.clock.now().getTime() + 10_000);
    }
  });

  it('keeps its own budget per location: the call beyond it never leaves the process', async () => {
    const frugal = client({ rateLimit: { max: 5, intervalMs: 10_000 } });
    const windowStart = stack.clock.now().getTime();
    for (let i = 0; i < 5; i++) await frugal.listUsers(LOCATION_ID);
    const sent = stack.sandbox.requests.length;
    stack.clock.advance(3_000);
    const err = await frugal.listUsers(LOCATION_ID).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GhlRateLimitedError);
    expect((err as GhlRateLimitedError).retryAt).toEqual(new Date(windowStart + 10_000));
    expect(stack.sandbox.requests.length).toBe(sent);
    stack.clock.advance(7_000);
    await expect(frugal.listUsers(LOCATION_ID)).resolves.toHaveLength(3);
  });

  it('retries 5xx bursts, timeouts and malformed JSON within one call', async () => {
    stack.sandbox.faults.add({ path: '/users/', kind: '5xx', times: 2 });
    await expect(ghl.listUsers(LOCATION_ID)).resolves.toHaveLength(3);
    stack.sandbox.faults.add({ path: '/users/', kind: 'timeout', times: 1 });
    await expect(client({ timeoutMs: 250 }).listUsers(LOCATION_ID)).resolves.toHaveLength(3);
    stack.sandbox.faults.add({ path: '/users/', kind: 'malformed', times: 2 });
    await expect(ghl.listUsers(LOCATION_ID)).resolves.toHaveLength(3);
    stack.sandbox.faults.add({ path: '/users/', kind: '5xx', status: 500 });
    await expect(ghl.listUsers(LOCATION_ID)).rejects.toBeInstanceOf(GhlUnavailableError);
  });

  it('never repeats a send or a task whose outcome is unknown (timeout, garbled answer)', async () => {
    const count = () => stack.sandbox.store.messages(LOCATION_ID, CONTACTS.marcus).length;
    stack.sandbox.faults.add({ path: '/conversations/messages', kind: 'timeout', times: 1 });
    const sms = { type: 'SMS' as const, contactId: CONTACTS.marcus, message: 'hi' };
    await expect(client({ timeoutMs: 250 }).sendMessage(LOCATION_ID, sms)).rejects.toBeInstanceOf(
      GhlOutcomeUnknownError,
    );
    expect(
      since('/conversations/messages')
        .filter((r) => r.method === 'POST')
        .at(-1)?.status,
    ).toBe(0);
    stack.sandbox.faults.add({ path: `/contacts/${CONTACTS.marcus}/tasks`, kind: 'malformed', times: 1 });
    const task = { title: 't', body: '', dueDate: stack.clock.now(), assignedTo: null };
    await expect(ghl.createTask(LOCATION_ID, CONTACTS.marcus, task)).rejects.toBeInstanceOf(GhlOutcomeUnknownError);
    // A 503 means GHL did not act: that is retried even for a send.
    stack.sandbox.faults.add({ path: '/conversations/messages', kind: '5xx', times: 1 });
    const before = count();
    await expect(ghl.sendMessage(LOCATION_ID, sms)).resolves.toMatchObject({ messageId: expect.any(String) });
    expect(count()).toBe(before + 1);
  });

  it('loses no call in a storm of faults: each one succeeds or surfaces GhlRateLimitedError', async () => {
    const patient = client({ maxAttempts: 10, retryBudgetMs: 8_000, timeoutMs: 250 });
    const path = `/contacts/${CONTACTS.priya}`;
    for (const kind of ['5xx', 'timeout', 'malformed', '429'] as const)
      stack.sandbox.faults.add({ path, kind, times: 2 });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => patient.getContact(LOCATION_ID, CONTACTS.priya)),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    // Each 429 surfaces at most once; one may land on an attempt its caller had already given up on (a timed-out
    // one, under load), so at most two calls fail, and only as rate-limited.
    expect(ok.length + failed.length).toBe(20);
    expect(ok.length).toBeGreaterThanOrEqual(18);
    for (const e of failed) expect(e).toBeInstanceOf(GhlRateLimitedError);
  });

  it('answers other 4xx with GhlRequestError and unknown installs with GhlNotInstalledError', async () => {
    const err = await ghl.getContact(LOCATION_ID, 'con_missing').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GhlRequestError);
    expect((err as GhlRequestError).status).toBe(404);
    await expect(ghl.listUsers('loc_never_installed')).rejects.toBeInstanceOf(GhlNotInstalledError);
  });

  it('GHL unreachable: a refused connection is retried, then unavailable; a send that never left is not "unknown"', async () => {
    const { db, config, clock } = stack.rt.deps;
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const away = createGhlClient({
      db,
      config: { ...config, ghl: { ...config.ghl, apiBaseUrl: `http://127.0.0.1:${port}` } },
      clock,
      logger: silentLogger,
      options: { ...FAST_GHL, maxAttempts: 2 },
    });
    const read = await away.listUsers(LOCATION_ID).catch((e: unknown) => e);
    expect(read).toBeInstanceOf(GhlUnavailableError);
    expect(String(read)).toMatch(/ECONNREFUSED \(after 2 attempts\)/);
    const send = await away
      .sendMessage(LOCATION_ID, { type: 'SMS', contactId: CONTACTS.jane, message: 'x' })
      .catch((e: unknown) => e);
    expect(send).toBeInstanceOf(GhlUnavailableError);
  });
});
