import http from 'node:http';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { useWebhookRuntime } from '../helpers/webhook-runtime.js';

/**
 * webhooks/front.ts answers GHL's deliveries without express; the express route answers the ones it leaves
 * (here: chunked bodies, which it reads through express.raw). Each case goes both ways and must get the same
 * status, body, headers and counters.
 */
const clock = new ManualClock('2026-01-05T15:00:00Z');
const live = useWebhookRuntime(clock);

type Way = 'front' | 'express';
interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** `front`: a Content-Length body, as GHL sends. `express`: the same bytes chunked, which the front leaves. */
function send(way: Way, raw: Buffer, headers: Record<string, string>, path = '/webhooks/ghl'): Promise<Answer> {
  const url = new URL(live.rt.url ?? '');
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        hostname: url.hostname,
        port: url.port,
        path,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...headers,
          ...(way === 'front' ? { 'content-length': raw.length } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? JSON.parse(text) : null });
        });
      },
    );
    req.on('error', reject);
    if (way === 'express') req.write(raw.subarray(0, 10));
    req.end(way === 'express' ? raw.subarray(10) : raw);
  });
}

/** What both ways must agree on: everything but the transport's own headers and express's ETag. */
function comparable(a: Answer) {
  const {
    date,
    etag,
    connection,
    'keep-alive': _k,
    'content-length': _l,
    'transfer-encoding': _t,
    ...headers
  } = a.headers;
  return { status: a.status, headers, body: a.body };
}

function eventBytes(webhookId: string, over: Record<string, unknown> = {}): Buffer {
  const call = {
    type: 'InboundMessage',
    locationId: 'loc_front',
    contactId: `con_${webhookId}`,
    messageType: 'CALL',
    direction: 'inbound',
    status: 'no-answer',
  };
  return Buffer.from(JSON.stringify({ ...call, webhookId, timestamp: clock.now().toISOString(), ...over }));
}

const signed = (raw: Buffer) => live.signer.headers(raw, 'ed25519');

/** The counters the two ways must move alike. */
async function counters(): Promise<Record<string, number>> {
  const text = await live.rt.deps.metrics.render();
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!/^ringback_(http_requests_total|webhooks_rejected_total|webhooks_received_total)\{/.test(line)) continue;
    const [series, value] = line.split(' ');
    out[series ?? ''] = Number(value);
  }
  return out;
}

function delta(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(
    Object.entries(after).flatMap(([k, v]) => (v !== (before[k] ?? 0) ? [[k, v - (before[k] ?? 0)]] : [])),
  );
}

/** Sends the case made by `make(way)` the front's way, then the express way; returns both answers and counter moves. */
async function bothWays(make: (way: Way) => { raw: Buffer; headers: Record<string, string> }) {
  const out = {} as Record<Way, { answer: Answer; moved: Record<string, number> }>;
  for (const way of ['front', 'express'] as const) {
    const before = await counters();
    const { raw, headers } = make(way);
    const answer = await send(way, raw, headers);
    out[way] = { answer, moved: delta(before, await counters()) };
  }
  return out;
}

describe('POST /webhooks/ghl: the front and the express route answer alike', () => {
  it('a new event is stored by either way, once, and a redelivery is a duplicate by either way', async () => {
    const first = await bothWays((way) => {
      const raw = eventBytes(`wh_new_${way}`);
      return { raw, headers: signed(raw) };
    });
    expect(first.front.answer.status).toBe(200);
    expect(first.front.answer.body).toEqual({ ok: true, duplicate: false });
    expect(comparable(first.front.answer)).toEqual(comparable(first.express.answer));
    expect(first.front.moved).toEqual(first.express.moved);
    expect(first.front.moved).toEqual({
      'ringback_http_requests_total{status="2xx"}': 1,
      'ringback_webhooks_received_total{duplicate="false",type="InboundMessage"}': 1,
    });
    const { rows } = await sql<{ webhook_id: string; jobs: number }>`
      select i.webhook_id, (select count(*)::int from jobs j where j.unique_key = 'webhook:' || i.webhook_id) as jobs
      from webhook_inbox i where i.webhook_id like 'wh_new_%' order by i.webhook_id`.execute(live.rt.db.db);
    expect(rows).toEqual([
      { webhook_id: 'wh_new_express', jobs: 1 },
      { webhook_id: 'wh_new_front', jobs: 1 },
    ]);

    // Each way redelivers the event the other way stored.
    const again = await bothWays((way) => {
      const raw = eventBytes(`wh_new_${way === 'front' ? 'express' : 'front'}`);
      return { raw, headers: signed(raw) };
    });
    expect(again.front.answer.body).toEqual({ ok: true, duplicate: true });
    expect(comparable(again.front.answer)).toEqual(comparable(again.express.answer));
    expect(again.front.moved).toEqual(again.express.moved);
  });

  it.each([
    ['no signature', (raw: Buffer) => ({ raw, headers: {} }), 401, 'INVALID_SIGNATURE'],
    [
      'a body that is not JSON',
      () => ({ raw: Buffer.from('{"type":'), headers: signed(Buffer.from('{"type":')) }),
      400,
      'BAD_REQUEST',
    ],
    [
      'a timestamp 91 minutes old',
      () => {
        const raw = eventBytes('wh_stale', { timestamp: '2026-01-05T13:29:00Z' });
        return { raw, headers: signed(raw) };
      },
      400,
      'STALE_WEBHOOK',
    ],
    [
      'a timestamp 6 minutes ahead',
      () => {
        const raw = eventBytes('wh_ahead', { timestamp: '2026-01-05T15:06:00Z' });
        return { raw, headers: signed(raw) };
      },
      400,
      'STALE_WEBHOOK',
    ],
  ])('%s: the same error, the same counters, nothing stored', async (_name, make, status, code) => {
    const before = Number(
      (await sql<{ n: number }>`select count(*)::int as n from webhook_inbox`.execute(live.rt.db.db)).rows[0]?.n,
    );
    const r = await bothWays(() => make(eventBytes('wh_rejected')));
    expect(r.front.answer.status).toBe(status);
    expect((r.front.answer.body as { error: { code: string } }).error.code).toBe(code);
    expect(r.front.answer.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.front.answer.headers['x-content-type-options']).toBe('nosniff');
    expect(comparable(r.front.answer)).toEqual(comparable(r.express.answer));
    expect(r.front.moved).toEqual(r.express.moved);
    expect(Object.keys(r.front.moved)).toContain(`ringback_http_requests_total{status="4xx"}`);
    const after = Number(
      (await sql<{ n: number }>`select count(*)::int as n from webhook_inbox`.execute(live.rt.db.db)).rows[0]?.n,
    );
    expect(after).toBe(before);
  });

  it('a redelivery with its original timestamp 89 minutes old is stored by either way (GHL retries a 429 for ~70 min)', async () => {
    const r = await bothWays((way) => {
      const raw = eventBytes(`wh_late_${way}`, { timestamp: '2026-01-05T13:31:00Z' });
      return { raw, headers: signed(raw) };
    });
    expect(r.front.answer.body).toEqual({ ok: true, duplicate: false });
    expect(comparable(r.front.answer)).toEqual(comparable(r.express.answer));
    expect(r.front.moved).toEqual(r.express.moved);
  });

  it('a path with a query string is the front’s; other paths and methods stay express’s', async () => {
    const raw = eventBytes('wh_query');
    const withQuery = await send('front', raw, signed(raw), '/webhooks/ghl?source=ghl');
    expect(withQuery.body).toEqual({ ok: true, duplicate: false });
    const wrong = await send('front', raw, signed(raw), '/webhooks/ghlx');
    expect(wrong.status).toBe(404);
    expect((wrong.body as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });

  it('a database that cannot take the event: 429 with Retry-After either way, so GHL delivers again', async () => {
    await live.rt.db.db.schema.alterTable('webhook_inbox').renameTo('webhook_inbox_away').execute();
    try {
      const r = await bothWays((way) => {
        const raw = eventBytes(`wh_busy_${way}`);
        return { raw, headers: signed(raw) };
      });
      expect(r.front.answer.status).toBe(429);
      expect(r.front.answer.headers['retry-after']).toBe('60');
      expect(r.front.answer.body).toEqual({
        error: { code: 'BUSY', message: 'the event could not be stored; deliver it again later' },
      });
      expect(comparable(r.front.answer)).toEqual(comparable(r.express.answer));
      expect(r.front.moved).toEqual(r.express.moved);
    } finally {
      await live.rt.db.db.schema.alterTable('webhook_inbox_away').renameTo('webhook_inbox').execute();
    }
  });
});
