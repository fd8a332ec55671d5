import { createHash } from 'node:crypto';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { COMPANY_ID, CONTACTS, LOCATION_2_ID, LOCATION_ID, TRACKING_NUMBERS } from '../../src/sandbox/seed.js';
import { CREDS, startSandbox } from './helpers.js';

/**
 * The sandbox answers plain API requests without node's HTTP server and express (src/sandbox/http-front.ts).
 * These tests hold it to the bytes express sends: two sandboxes in the same state get the same requests, one
 * plainly, the other with a header that makes the front hand the request to express without changing its
 * answer (If-Modified-Since, while no answer has a Last-Modified).
 */

const TO_EXPRESS = 'If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT\r\n';

interface Raw {
  head: string;
  body: string;
}

function port(sandbox: Sandbox): number {
  return Number(new URL(sandbox.url).port);
}

/**
 * Sends `requests` on one connection and reads as many answers (all carry a Content-Length): one after the
 * other, or all at once when `pipelined` (node then runs the handlers of a pipeline without waiting for the
 * bodies of earlier requests, so only a one-by-one client sees a single order of effects).
 */
function roundTrip(sandbox: Sandbox, requests: string[], pipelined = false): Promise<Raw[]> {
  return new Promise((resolve, reject) => {
    const socket = connect(port(sandbox), '127.0.0.1');
    let data = Buffer.alloc(0);
    const answers: Raw[] = [];
    socket.on('error', reject);
    socket.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      for (;;) {
        const end = data.indexOf('\r\n\r\n');
        if (end === -1) return;
        const head = data.toString('latin1', 0, end);
        const length = Number(/\r\ncontent-length: (\d+)/i.exec(head)?.[1] ?? 0);
        const noBody = requests[answers.length]?.startsWith('HEAD') === true;
        const total = end + 4 + (noBody ? 0 : length);
        if (data.length < total) return;
        answers.push({ head, body: data.toString('utf8', end + 4, total) });
        data = data.subarray(total);
        if (answers.length === requests.length) {
          socket.destroy();
          resolve(answers);
          return;
        }
        if (!pipelined) socket.write(requests[answers.length] ?? '');
      }
    });
    socket.write(pipelined ? requests.join('') : (requests[0] ?? ''));
  });
}

function request(method: string, path: string, headers: Record<string, string>, body?: string): string {
  const lines = Object.entries({ Host: '127.0.0.1', Connection: 'keep-alive', ...headers }).map(
    ([k, v]) => `${k}: ${v}\r\n`,
  );
  if (body !== undefined) lines.push(`Content-Length: ${Buffer.byteLength(body)}\r\n`);
  return `${method} ${path} HTTP/1.1\r\n${lines.join('')}\r\n${body ?? ''}`;
}

/** The ETag express computes: weak, the length in hex and the SHA-1 of the exact body bytes. */
function etagOf(body: string): string {
  const bytes = Buffer.from(body, 'utf8');
  return `W/"${bytes.length.toString(16)}-${createHash('sha1').update(bytes).digest('base64').slice(0, 27)}"`;
}

/** The answer without what differs between any two answers: the Date header, traceIds and minted tokens. */
function comparable(raw: Raw): { head: string; body: string } {
  expect(raw.head).toContain(`\r\nETag: ${etagOf(raw.body)}\r\n`);
  const body = raw.body
    .replace(/"traceId":"[0-9a-f-]{36}"/g, '"traceId":"T"')
    .replace(/"(access_token|refresh_token)":"(at|rt)_[0-9a-f]+"/g, '"$1":"$2_"');
  const head = raw.head.replace(/\r\nDate: [^\r]+/, '').replace(/\r\nETag: [^\r]+/, '');
  return { head, body };
}

let sandboxes: Sandbox[] = [];
afterEach(async () => {
  await Promise.all(sandboxes.map((s) => s.close()));
  sandboxes = [];
});

async function twoSandboxes(): Promise<[Sandbox, Sandbox]> {
  const extra = { rateLimit: { max: 40, intervalMs: 10_000 } };
  const pair = await Promise.all([startSandbox(extra), startSandbox(extra)]);
  sandboxes = pair.map((p) => p.sandbox);
  return [pair[0].sandbox, pair[1].sandbox];
}

/** The token endpoints Ringback calls with forms; the last form is not simple, so the front hands it over. */
function oauthRequests(s: Sandbox): string[] {
  const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
  const client = `client_id=${CREDS.clientId}&client_secret=${CREDS.clientSecret}`;
  const refresh = `${client}&grant_type=refresh_token&refresh_token=${s.issueTokens({ locationId: LOCATION_ID }).refresh_token}`;
  const company = {
    ...form,
    Authorization: `Bearer ${s.issueTokens({ companyId: COMPANY_ID }).access_token}`,
    Version: '2021-07-28',
  };
  return [
    request('POST', '/oauth/token', form, refresh),
    request('POST', '/oauth/token', form, refresh),
    request('POST', '/oauth/token', form, `${client}x&grant_type=refresh_token`),
    request(
      'POST',
      '/oauth/token',
      { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
      `${client}&grant_type=password`,
    ),
    request(
      'POST',
      '/oauth/token',
      { 'Content-Type': 'application/json' },
      JSON.stringify({ client_id: CREDS.clientId }),
    ),
    request('POST', '/oauth/token', form, ''),
    request('POST', '/oauth/locationToken', company, `companyId=${COMPANY_ID}&locationId=${LOCATION_2_ID}`),
    request('POST', '/oauth/locationToken', company, `companyId=${COMPANY_ID}&locationId=loc%20nowhere`),
    request('POST', '/oauth/token', form, `${client}&grant_type=a&grant_type=b`),
  ];
}

describe('sandbox front', () => {
  it('answers plain API requests with the bytes express sends, and logs them the same', async () => {
    const [front, reference] = await twoSandboxes();
    const token = (s: Sandbox, locationId: string) => s.issueTokens({ locationId }).access_token;
    const script = (s: Sandbox): string[] => {
      const auth = `Bearer ${token(s, LOCATION_ID)}`;
      const v2 = { Authorization: auth, Version: '2021-07-28' };
      const conv = { Authorization: auth, Version: '2021-04-15' };
      const json = (b: unknown) => JSON.stringify(b);
      const type = { 'Content-Type': 'application/json' };
      const other = { Authorization: `Bearer ${token(s, LOCATION_2_ID)}`, Version: '2021-07-28' };
      return [
        request('GET', `/contacts/${CONTACTS.jane}?x=1&x=2`, v2),
        request('GET', `/contacts/${CONTACTS.sam}`, v2),
        request('GET', '/contacts/con_nobody', v2),
        request('GET', `/contacts/${CONTACTS.jane}`, conv),
        request('GET', `/contacts/${CONTACTS.jane}`, { Version: '2021-07-28', Authorization: 'Bearer nope' }),
        request('GET', `/Contacts/${CONTACTS.jane}/`, { Authorization: auth }),
        request('GET', `/contacts/%63on_jane_cooper`, v2),
        request('GET', `/conversations/search?locationId=${LOCATION_ID}&limit=abc`, conv),
        request('GET', `/users/?locationId=${LOCATION_ID}`, v2),
        request('GET', `/locations/${LOCATION_ID}`, v2),
        request('GET', `/phone-system/numbers/location/${LOCATION_ID}`, v2),
        request('GET', `/calendars/?locationId=${LOCATION_ID}`, conv),
        request('GET', `/contacts/search/duplicate?locationId=${LOCATION_ID}&number=%2B13055550142`, v2),
        request('POST', `/contacts/${CONTACTS.priya}/tags`, { ...v2, ...type }, json({ tags: ['Missed Call'] })),
        request('POST', `/contacts/${CONTACTS.priya}/tasks`, { ...v2, ...type }, json({ title: 'x' })),
        request(
          'POST',
          `/contacts/${CONTACTS.priya}/tasks`,
          { ...v2, 'Content-Type': 'application/json; charset=utf-8' },
          json({ title: 'Call back', dueDate: '2026-01-05T15:15:00Z', completed: false }),
        ),
        request(
          'POST',
          '/contacts/upsert',
          { ...v2, ...type },
          json({ locationId: LOCATION_ID, email: 'Owner@example.com', name: 'Owner', tags: ['Digest'] }),
        ),
        request(
          'POST',
          '/conversations/messages',
          { ...conv, ...type },
          json({
            type: 'SMS',
            contactId: CONTACTS.jane,
            message: 'Sorry we missed you',
            fromNumber: TRACKING_NUMBERS.facebook,
          }),
        ),
        request(
          'POST',
          '/conversations/messages',
          { ...conv, ...type },
          json({ type: 'SMS', contactId: CONTACTS.tom, message: 'hi' }),
        ),
        request('POST', '/conversations/messages', { ...conv, ...type }, '{"type":'),
        request('POST', '/conversations/messages', { ...conv, ...type }, ' "text"'),
        request('POST', '/conversations/messages', { ...conv, ...type }, ''),
        request(
          'POST',
          '/conversations/messages',
          { ...conv, ...type },
          '\ufeff{"type":"SMS","contactId":"con_jane_cooper","message":"caf\u00e9 \u2615"}',
        ),
        request('GET', `/conversations/search?locationId=${LOCATION_ID}&contactId=${CONTACTS.jane}`, conv),
        request('GET', '/conversations/conv_000001/messages?limit=1', conv),
        request('GET', '/conversations/messages/msg_000002', conv),
        request('GET', `/conversations/messages/export?locationId=${LOCATION_ID}&channel=sms`, conv),
        request(
          'PUT',
          `/contacts/${CONTACTS.priya}/tasks/task_000001/completed`,
          { ...v2, ...type },
          json({ completed: true }),
        ),
        request('DELETE', `/contacts/${CONTACTS.priya}/tags`, { ...v2, ...type }, json({ tags: ['missed call'] })),
        ...Array.from({ length: 42 }, () => request('GET', `/locations/${LOCATION_2_ID}`, other)),
        ...oauthRequests(s),
      ];
    };
    const plain = await roundTrip(front, script(front));
    const viaExpress = await roundTrip(
      reference,
      script(reference).map((r) => r.replace('\r\n', `\r\n${TO_EXPRESS}`)),
    );
    expect(plain.map(comparable)).toEqual(viaExpress.map(comparable));
    expect(plain.map((r) => r.head.split(' ')[1])).toContain('429');
    expect(front.requests).toEqual(reference.requests);
  });

  it('answers injected faults as express does', async () => {
    const [front, reference] = await twoSandboxes();
    const script = (s: Sandbox): string[] => {
      s.faults.add({ path: `/contacts/${CONTACTS.jane}`, kind: '5xx', status: 502, times: 1 });
      s.faults.add({ method: 'get', path: /^\/users/, kind: '429', retryAfterSeconds: 7, times: 1 });
      s.faults.add({ path: `/locations/${LOCATION_ID}`, kind: 'malformed', times: 1 });
      const h = {
        Authorization: `Bearer ${s.issueTokens({ locationId: LOCATION_ID }).access_token}`,
        Version: '2021-07-28',
      };
      return [
        request('GET', `/contacts/${CONTACTS.jane}`, h),
        request('GET', `/users/?locationId=${LOCATION_ID}`, h),
        request('GET', `/locations/${LOCATION_ID}`, h),
      ];
    };
    const plain = await roundTrip(front, script(front));
    const viaExpress = await roundTrip(
      reference,
      script(reference).map((r) => r.replace('\r\n', `\r\n${TO_EXPRESS}`)),
    );
    expect(plain.map(comparable)).toEqual(viaExpress.map(comparable));
    expect(front.requests).toEqual(reference.requests);
  });

  it('hands a connection to express at its first request that is not plain, pipelined ones included', async () => {
    const [sandbox] = await twoSandboxes();
    const h = {
      Authorization: `Bearer ${sandbox.issueTokens({ locationId: LOCATION_ID }).access_token}`,
      Version: '2021-07-28',
    };
    const answers = await roundTrip(
      sandbox,
      [
        request('GET', `/contacts/${CONTACTS.jane}`, h),
        request('HEAD', `/contacts/${CONTACTS.jane}`, h),
        request('POST', '/oauth/token', { 'Content-Type': 'application/x-www-form-urlencoded' }, 'grant_type=nope'),
        request('GET', `/contacts/${CONTACTS.marcus}`, h),
      ],
      true,
    );
    expect(answers.map((a) => a.head.split(' ')[1])).toEqual(['200', '200', '400', '200']);
    expect(JSON.parse(answers[3]?.body ?? '')).toMatchObject({ contact: { id: CONTACTS.marcus } });
    expect(sandbox.requests.map((r) => `${r.method} ${r.status}`)).toEqual([
      'GET 200',
      'HEAD 200',
      'POST 400',
      'GET 200',
    ]);
  });
});
