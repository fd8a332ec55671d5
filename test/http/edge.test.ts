/**
 * Issue 15, points 2, 4 and 7 through a listening Ringback: client addresses only from trusted proxies,
 * sign-ins limited per location too, /metrics behind a token, HSTS over https, and RSA verification that an
 * operator can turn off.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CONTACTS, LOCATION_ID } from '../../src/sandbox/seed.js';
import { mayaSso } from '../helpers/session-api.js';
import { TEST_METRICS_TOKEN } from '../helpers/config.js';
import { installVia, type Stack, type StackOptions, startStack } from '../helpers/stack.js';

let stack: Stack | null = null;
afterEach(async () => {
  await stack?.close();
  stack = null;
});

async function start(opts: StackOptions): Promise<Stack> {
  stack = await startStack(opts);
  return stack;
}

function signIn(s: Stack, from: string, payload: string) {
  return fetch(`${s.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
    body: JSON.stringify({ payload }),
  });
}

const invented = (i: number) => `203.0.113.${(i % 250) + 1}`;

describe('client addresses and sign-in limits (TRUST_PROXY)', () => {
  it('ignores X-Forwarded-For by default: 35 sign-ins with invented addresses draw a 429', async () => {
    const s = await start({ env: { TRUST_PROXY: 'none' } });
    await installVia(s, { locationId: LOCATION_ID });
    const statuses: number[] = [];
    for (let i = 0; i < 35; i++) statuses.push((await signIn(s, invented(i), 'not-a-payload')).status);
    expect(statuses.slice(0, 30).every((x) => x === 401)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429, 429, 429, 429]);
  });

  it('ignores X-Forwarded-For on /oauth by default too', async () => {
    const s = await start({ env: { TRUST_PROXY: 'none' } });
    const statuses: number[] = [];
    for (let i = 0; i < 62; i++) {
      const res = await fetch(`${s.url}/oauth/install`, {
        redirect: 'manual',
        headers: { 'x-forwarded-for': invented(i) },
      });
      statuses.push(res.status);
    }
    expect(statuses.at(-1)).toBe(429);
  });

  it('limits sign-ins per location even when a trusted proxy names a new address each time', async () => {
    const s = await start({ env: { TRUST_PROXY: 'loopback' } });
    await installVia(s, { locationId: LOCATION_ID });
    const payload = mayaSso(s);
    const statuses: number[] = [];
    for (let i = 0; i < 62; i++) statuses.push((await signIn(s, invented(i), payload)).status);
    expect(statuses.slice(0, 60).every((x) => x === 200)).toBe(true);
    expect(statuses.slice(60)).toEqual([429, 429]);
  });
});

describe('/metrics', () => {
  it('wants the bearer token: none or a wrong one is 401, the right one gets Prometheus text', async () => {
    const s = await start({});
    expect((await fetch(`${s.url}/metrics`)).status).toBe(401);
    expect(
      (await fetch(`${s.url}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789abc' } })).status,
    ).toBe(401);
    const ok = await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${TEST_METRICS_TOKEN}` } });
    expect(ok.status).toBe(200);
    expect(await ok.text()).toMatch(/# TYPE ringback_http_requests_total counter/);
  });

  it('is off (404) when no METRICS_TOKEN is set', async () => {
    const s = await start({ env: { METRICS_TOKEN: '' } });
    const res = await fetch(`${s.url}/metrics`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toMatch(/ringback_/);
  });
});

describe('Strict-Transport-Security', () => {
  it('is sent by express and by the webhook front when APP_BASE_URL is https', async () => {
    const s = await start({ env: { APP_BASE_URL: 'https://ringback.example.com' } });
    const page = await fetch(`${s.url}/healthz`);
    expect(page.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    const hook = await fetch(`${s.url}/webhooks/ghl`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(hook.status).toBe(401);
    expect(hook.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
  });

  it('is not sent over plain http', async () => {
    const s = await start({});
    expect((await fetch(`${s.url}/healthz`)).headers.get('strict-transport-security')).toBeNull();
  });
});

describe('GHL_WEBHOOK_RSA_PUBLIC_KEY=off', () => {
  const call = {
    type: 'InboundMessage',
    locationId: LOCATION_ID,
    contactId: CONTACTS.jane,
    messageType: 'CALL',
    direction: 'inbound',
    status: 'voicemail',
  };

  it('refuses an event signed with RSA alone (401) and still accepts Ed25519', async () => {
    const s = await start({ env: { GHL_WEBHOOK_RSA_PUBLIC_KEY: 'off' } });
    expect((await s.sandbox.deliver(call, { sign: 'rsa' })).status).toBe(401);
    expect((await s.sandbox.deliver(call, { sign: 'ed25519' })).status).toBe(200);
    expect((await s.sandbox.deliver(call, { sign: 'both' })).status).toBe(200);
  });

  it('accepts RSA alone while the key is configured', async () => {
    const s = await start({});
    expect((await s.sandbox.deliver(call, { sign: 'rsa' })).status).toBe(200);
  });
});
