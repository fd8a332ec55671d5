import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppDeps, createApp } from '../../src/app.js';
import type { Database } from '../../src/db/database.js';
import { WebhookSigner } from '../../src/sandbox/webhook-signer.js';
import { CONTACTS, LOCATION_ID, TRACKING_NUMBERS } from '../../src/sandbox/seed.js';
import { type Stack, startStack } from '../helpers/stack.js';

let stack: Stack;
/** A second sender with its own keys, and Ringback's app configured to trust them: for bytes GHL never sends. */
let forger: WebhookSigner;
let forgedUrl: string;
let forgedServer: Server;

function listen(deps: AppDeps): Promise<{ server: Server; url: string }> {
  const app = createApp(deps);
  return new Promise((resolve) => {
    const server = createServer(app).listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }),
    );
  });
}

function withKeys(deps: AppDeps, signer: WebhookSigner): AppDeps {
  const ghl = {
    ...deps.config.ghl,
    webhookEd25519PublicKey: signer.keys.ed25519PublicPem,
    webhookRsaPublicKey: signer.keys.rsaPublicPem,
  };
  return { ...deps, config: { ...deps.config, ghl } };
}

beforeAll(async () => {
  stack = await startStack();
  forger = await WebhookSigner.create();
  ({ server: forgedServer, url: forgedUrl } = await listen(withKeys(stack.rt.deps, forger)));
});
afterAll(async () => {
  forgedServer?.closeAllConnections();
  await new Promise((resolve) => forgedServer?.close(resolve));
  await stack?.close();
});

const db = () => stack.rt.db.db;
const inboxCount = async () =>
  Number((await sql<{ n: number }>`select count(*)::int as n from webhook_inbox`.execute(db())).rows[0]?.n);
const jobsFor = (webhookId: string) =>
  db().selectFrom('jobs').selectAll().where('unique_key', '=', `webhook:${webhookId}`).execute();

function post(url: string, raw: string | Buffer, headers: Record<string, string>) {
  const body = typeof raw === 'string' ? raw : new Uint8Array(raw);
  return fetch(`${url}/webhooks/ghl`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

function forged(body: string, mode: 'ed25519' | 'rsa' | 'both' = 'ed25519') {
  return post(forgedUrl, body, forger.headers(Buffer.from(body), mode));
}

const call = {
  type: 'InboundMessage',
  locationId: LOCATION_ID,
  contactId: CONTACTS.jane,
  messageType: 'CALL',
  direction: 'inbound',
  status: 'voicemail',
};

describe('POST /webhooks/ghl: signatures', () => {
  it.each(['ed25519', 'rsa', 'both'] as const)(
    'accepts an event signed with %s, stores it and enqueues it once',
    async (sign) => {
      const d = await stack.sandbox.deliver(call, { sign });
      expect(d.status).toBe(200);
      const row = await db()
        .selectFrom('webhook_inbox')
        .selectAll()
        .where('webhook_id', '=', d.webhookId)
        .executeTakeFirstOrThrow();
      expect(row).toMatchObject({
        type: 'InboundMessage',
        location_id: LOCATION_ID,
        signature_kind: sign === 'rsa' ? 'rsa' : 'ed25519',
      });
      expect(row.body).toEqual(d.event);
      expect(await jobsFor(d.webhookId)).toHaveLength(1);
    },
  );

  it('a real missed call from the phone arrives, and processing marks it processed exactly once', async () => {
    const placed = await stack.sandbox.phone.placeCall({
      locationId: LOCATION_ID,
      from: '+13055550142',
      to: TRACKING_NUMBERS.facebook,
      outcome: 'missed',
    });
    expect(placed.delivery.status).toBe(200);
    await stack.rt.worker.drain();
    const row = await db()
      .selectFrom('webhook_inbox')
      .selectAll()
      .where('webhook_id', '=', placed.delivery.webhookId)
      .executeTakeFirstOrThrow();
    expect(row.processed_at).toEqual(stack.clock.now());
    // Its job was recorded by the missed call's statement, which deletes it (migrations/0036).
    expect(await jobsFor(placed.delivery.webhookId)).toEqual([]);
  });

  it('accepts every event the platform sends: calls (flat and nested), replies, bookings, DND, tasks', async () => {
    const loc = LOCATION_ID;
    const deliveries = [
      (
        await stack.sandbox.phone.placeCall({
          locationId: loc,
          from: '+12125550187',
          to: TRACKING_NUMBERS.facebook,
          outcome: 'voicemail',
          shape: 'nested',
        })
      ).delivery,
      (await stack.sandbox.phone.returnCall({ locationId: loc, contactId: CONTACTS.marcus, answered: false })).delivery,
      (await stack.sandbox.phone.reply({ locationId: loc, contactId: CONTACTS.marcus, body: 'call me later' }))
        .delivery,
      (await stack.sandbox.phone.bookAppointment({ locationId: loc, contactId: CONTACTS.marcus })).delivery,
      (await stack.sandbox.phone.setDnd({ locationId: loc, contactId: CONTACTS.marcus, channels: { SMS: 'active' } }))
        .delivery,
    ];
    // A task made in GHL directly (Ringback has no token here: this file installs nothing).
    const { access_token } = stack.sandbox.issueTokens({ locationId: loc });
    const created = await fetch(`${stack.sandbox.url}/contacts/${CONTACTS.marcus}/tasks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${access_token}`, version: '2021-07-28', 'content-type': 'application/json' },
      body: JSON.stringify({ title: 't', dueDate: stack.clock.now().toISOString(), completed: false }),
    });
    const { task } = (await created.json()) as { task: { id: string } };
    deliveries.push((await stack.sandbox.phone.completeTask({ locationId: loc, taskId: task.id })).delivery);
    expect(deliveries.map((d) => [d.event['type'], d.status])).toEqual([
      ['InboundMessage', 200],
      ['OutboundMessage', 200],
      ['InboundMessage', 200],
      ['AppointmentCreate', 200],
      ['ContactDndUpdate', 200],
      ['TaskComplete', 200],
    ]);
    await stack.rt.worker.drain();
    const open = await db()
      .selectFrom('webhook_inbox')
      .select('webhook_id')
      .where('processed_at', 'is', null)
      .execute();
    expect(open.filter((r) => deliveries.some((d) => d.webhookId === r.webhook_id))).toEqual([]);
  });

  it('rejects with 401 and stores nothing: no signature, a tampered body, a wrong key, a bad Ed25519 beside a good RSA', async () => {
    const before = await inboxCount();
    const none = await stack.sandbox.deliver(call, { sign: 'none' });
    expect(none.status).toBe(401);
    const good = await stack.sandbox.deliver(call, { sign: 'both', webhookId: 'tamper-source' });
    const tampered = good.rawBody.replace('voicemail', 'completed');
    const t = await post(stack.url, tampered, good.headers);
    expect(t.status).toBe(401);
    expect((await t.json()).error.code).toBe('INVALID_SIGNATURE');
    const raw = JSON.stringify({ ...call, webhookId: 'wrong-key' });
    expect((await post(stack.url, raw, forger.headers(Buffer.from(raw), 'both'))).status).toBe(401);
    // Ed25519 decides alone when present: a valid RSA signature cannot rescue a bad Ed25519 one.
    const rsaOk = good.headers['x-wh-signature'] ?? '';
    const downgrade = await post(stack.url, tampered, { 'x-ghl-signature': 'AAAA', 'x-wh-signature': rsaOk });
    expect(downgrade.status).toBe(401);
    expect(await inboxCount()).toBe(before + 1); // only the genuine tamper-source delivery
    expect(await stack.rt.deps.metrics.render()).toMatch(
      /ringback_webhooks_rejected_total\{reason="invalid_signature"\} 4/,
    );
  });
});

describe('POST /webhooks/ghl: bodies', () => {
  it('accepts a timestamp up to 90 minutes old and 5 minutes ahead; answers 400 STALE_WEBHOOK beyond (ISO or epoch ms)', async () => {
    const now = stack.clock.now().getTime();
    const late = await stack.sandbox.deliver({ ...call, timestamp: new Date(now - 89 * 60_000).toISOString() });
    expect(late.status).toBe(200);
    const lateMs = await stack.sandbox.deliver({ ...call, timestamp: now - 70 * 60_000 });
    expect(lateMs.status).toBe(200);
    const old = await stack.sandbox.deliver({ ...call, timestamp: new Date(now - 91 * 60_000).toISOString() });
    expect(old.status).toBe(400);
    const ahead = await stack.sandbox.deliver({ ...call, timestamp: now + 6 * 60_000 });
    expect(ahead.status).toBe(400);
    const skewed = await stack.sandbox.deliver({ ...call, timestamp: now + 4 * 60_000 });
    expect(skewed.status).toBe(200);
    const res = await forged(JSON.stringify({ ...call, timestamp: new Date(now - 2 * 3_600_000).toISOString() }));
    expect((await res.json()).error.code).toBe('STALE_WEBHOOK');
  });

  it('a replay of a stored event within the window is a duplicate: the webhookId stops it, not the clock', async () => {
    const first = await stack.sandbox.deliver(call, { webhookId: 'replay-1' });
    expect(first.status).toBe(200);
    stack.clock.advance(80 * 60_000);
    try {
      const replay = await post(stack.url, first.rawBody, first.headers);
      expect(await replay.json()).toEqual({ ok: true, duplicate: true });
      expect(await jobsFor('replay-1')).toHaveLength(1);
    } finally {
      stack.clock.advance(-80 * 60_000);
    }
  });

  it('answers 400 to malformed JSON, a non-object, and a known event missing its required fields', async () => {
    const before = await inboxCount();
    for (const body of ['{"type":"InboundMessage",', '[1,2]', '"x"', JSON.stringify({ type: 'InboundMessage' })]) {
      const res = await forged(body);
      expect(res.status).toBe(400);
      expect((await res.json()).error.code).toBe('BAD_REQUEST');
    }
    const bad = await stack.sandbox.deliver({
      type: 'AppointmentCreate',
      locationId: LOCATION_ID,
      appointment: { title: 'no id' },
    });
    expect(bad.status).toBe(400);
    expect(await inboxCount()).toBe(before);
  });

  it('answers 413 to a 5 MB body', async () => {
    const res = await post(stack.url, Buffer.alloc(5 * 1024 * 1024, 0x20), {});
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('stores and acknowledges an unknown event type, and tolerates nested call fields and extra keys', async () => {
    const unknown = await stack.sandbox.deliver({ type: 'OpportunityCreate', locationId: LOCATION_ID, id: 'opp_1' });
    expect(unknown.status).toBe(200);
    const nested = await stack.sandbox.deliver({
      ...call,
      status: undefined,
      meta: { call: { status: 'no-answer', duration: 0 } },
      extra: { a: 1 },
    });
    expect(nested.status).toBe(200);
    await stack.rt.worker.drain();
    const rows = await db()
      .selectFrom('webhook_inbox')
      .select(['type', 'processed_at'])
      .where('webhook_id', 'in', [unknown.webhookId, nested.webhookId])
      .execute();
    expect(rows.map((r) => r.type).sort()).toEqual(['InboundMessage', 'OpportunityCreate']);
    expect(rows.every((r) => r.processed_at !== null)).toBe(true);
  });

  it('accepts null, not only missing, in every optional field of the events it reads', async () => {
    const loc = LOCATION_ID;
    const events = [
      {
        ...call,
        status: null,
        callStatus: null,
        callDuration: null,
        userId: null,
        attachments: null,
        meta: null,
        from: null,
        to: null,
        cc: null,
        dateAdded: null,
        messageId: null,
      },
      { ...call, meta: { call: null } },
      {
        type: 'AppointmentUpdate',
        locationId: loc,
        appointment: { id: 'appt_null', contactId: null, calendarId: null, appointmentStatus: null, startTime: null },
      },
      { type: 'TaskComplete', locationId: loc, id: 'task_null', contactId: null, assignedTo: null, title: null },
      {
        type: 'ContactDndUpdate',
        locationId: loc,
        id: CONTACTS.jane,
        dnd: null,
        dndSettings: { SMS: null, Email: { status: null } },
      },
      { type: 'UNINSTALL', appId: null, locationId: 'loc_gone', companyId: null, userId: null },
    ];
    for (const e of events) expect([e.type, (await stack.sandbox.deliver(e)).status]).toEqual([e.type, 200]);
  });

  it('a duplicate webhookId answers 200 duplicate: one inbox row, one job', async () => {
    const first = await stack.sandbox.deliver(call, { webhookId: 'dup-1' });
    const again = await post(stack.url, first.rawBody, first.headers);
    expect(await again.json()).toEqual({ ok: true, duplicate: true });
    const third = await stack.sandbox.deliver(call, { webhookId: 'dup-1' });
    expect(third.status).toBe(200);
    expect(
      await db().selectFrom('webhook_inbox').select('id').where('webhook_id', '=', 'dup-1').execute(),
    ).toHaveLength(1);
    expect(await jobsFor('dup-1')).toHaveLength(1);
  });

  it('derives the id of an event without webhookId from the sha256 of its raw bytes', async () => {
    const raw = JSON.stringify({ ...call, timestamp: stack.clock.now().toISOString() });
    expect(await (await forged(raw)).json()).toEqual({ ok: true, duplicate: false });
    expect(await (await forged(raw, 'rsa')).json()).toEqual({ ok: true, duplicate: true });
    const id = `sha256:${createHash('sha256').update(raw).digest('hex')}`;
    expect(await jobsFor(id)).toHaveLength(1);
  });

  it('answers 429 with Retry-After when the event cannot be stored, so GHL delivers it again', async () => {
    const pool = new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none', connectionTimeoutMillis: 200 });
    const down = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const broken = await listen(withKeys({ ...stack.rt.deps, db: down, intakeDb: down }, forger));
    try {
      const raw = JSON.stringify({ ...call, webhookId: 'db-down' });
      const res = await post(broken.url, raw, forger.headers(Buffer.from(raw), 'ed25519'));
      expect(res.status).toBe(429);
      expect(res.headers.get('retry-after')).toBe('60');
      expect((await res.json()).error.code).toBe('BUSY');
    } finally {
      broken.server.closeAllConnections();
      await new Promise((resolve) => broken.server.close(resolve));
      await down.destroy();
    }
  });

  it("a 429'd event is accepted when GHL redelivers it 10 to 60 minutes later with its original timestamp", async () => {
    const pool = new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none', connectionTimeoutMillis: 200 });
    const down = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const broken = await listen({ ...stack.rt.deps, db: down, intakeDb: down });
    try {
      stack.sandbox.setAppBaseUrl(broken.url);
      const first = await stack.sandbox.deliver(call, { webhookId: 'redelivered-late' });
      const later = await stack.sandbox.deliver(call, { webhookId: 'redelivered-last' });
      expect([first.status, later.status]).toEqual([429, 429]);
      // The database stays away through five redeliveries of the second one (about 50 min).
      for (let i = 0; i < 4; i++) {
        stack.clock.advance(11 * 60_000);
        await stack.sandbox.redeliverDue();
      }
      expect(later.attempts.map((a) => a.status)).toEqual([429, 429, 429, 429, 429]);
      stack.sandbox.setAppBaseUrl(stack.url);
      stack.clock.advance(11 * 60_000);
      await stack.sandbox.redeliverDue();
    } finally {
      stack.sandbox.setAppBaseUrl(stack.url);
      broken.server.closeAllConnections();
      await new Promise((resolve) => broken.server.close(resolve));
      await down.destroy();
    }
    const row = await db()
      .selectFrom('webhook_inbox')
      .select(['body'])
      .where('webhook_id', '=', 'redelivered-last')
      .executeTakeFirstOrThrow();
    const age = stack.clock.now().getTime() - Date.parse(String((row.body as { timestamp: string }).timestamp));
    expect(age).toBeGreaterThanOrEqual(55 * 60_000);
    expect(await jobsFor('redelivered-late')).toHaveLength(1);
    expect(await jobsFor('redelivered-last')).toHaveLength(1);
  });
});
