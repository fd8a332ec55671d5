import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OAUTH_RATE_LIMIT } from '../../src/installations/routes.js';
import { mayaSso } from '../helpers/session-api.js';
import { LOCATION_ID } from '../../src/sandbox/seed.js';
import { installVia, type Stack, startStack } from '../helpers/stack.js';

let stack: Stack;
let ip = 0;
/** Each request from its own address unless told otherwise, so only the rate-limit test meets a limit. */
const nextIp = () => `10.9.${Math.floor(++ip / 250)}.${(ip % 250) + 1}`;

function get(path: string, init: RequestInit & { from?: string } = {}) {
  const headers = new Headers(init.headers);
  headers.set('x-forwarded-for', init.from ?? nextIp());
  return fetch(`${stack.url}${path}`, { redirect: 'manual', ...init, headers });
}

async function sessionToken(): Promise<string> {
  const payload = mayaSso(stack);
  const res = await get('/api/session', {
    method: 'POST',
    body: JSON.stringify({ payload }),
    headers: { 'content-type': 'application/json' },
  });
  const body = (await res.json()) as { token?: string };
  if (!body.token) throw new Error(`no session: ${res.status} ${JSON.stringify(body)}`);
  return body.token;
}

beforeAll(async () => {
  stack = await startStack();
  const res = await installVia(stack, { locationId: LOCATION_ID });
  if (res.status !== 200) throw new Error(`install failed: ${res.status}`);
});
afterAll(async () => {
  await stack?.close();
});

const STACK_TRACE = /\bat .+\.(ts|js|cjs|mjs):\d+|node_modules|\/src\/|Error: |relation "/;

/** A JSON error answer: the documented envelope, and nothing a stack trace or a driver would say. */
async function expectCleanError(res: Response): Promise<void> {
  const text = await res.text();
  expect(text, `${res.url} ${res.status}`).not.toMatch(STACK_TRACE);
  const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
  expect(body.error).toEqual(expect.objectContaining({ code: expect.any(String), message: expect.any(String) }));
}

describe('the HTTP surface under hostile use', () => {
  it('puts nosniff, a referrer policy and a CSP on every response, errors and redirects included', async () => {
    const json = { 'content-type': 'application/json' };
    const probes: Array<[string, RequestInit?]> = [
      ['/healthz'],
      ['/readyz'],
      ['/metrics'],
      ['/oauth/install'],
      ['/oauth/callback'],
      ['/oauth/callback?code=not-a-code'],
      ['/webhooks/ghl', { method: 'POST', body: '{}', headers: json }],
      ['/webhooks/ghl', { method: 'POST', body: 'x'.repeat(1_500_000), headers: json }],
      ['/app'],
      ['/app/assets/../../package.json'],
      ['/api/settings'],
      ['/api/settings', { method: 'PUT', body: '[]', headers: { ...json, authorization: 'Bearer nope' } }],
      ['/api/session', { method: 'POST', body: '{"payload":', headers: json }],
      ['/api/calls?limit=-1'],
      ['/no/such/route'],
      ['/', { method: 'OPTIONS' }],
      ['/healthz', { method: 'DELETE' }],
    ];
    const seen: string[] = [];
    for (const [path, init] of probes) {
      const res = await get(path, init);
      seen.push(`${init?.method ?? 'GET'} ${path} ${res.status}`);
      expect(res.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(res.headers.get('referrer-policy'), path).toMatch(/^(no-referrer|same-origin|strict-origin)/);
      expect(res.headers.get('content-security-policy'), path).toMatch(/frame-ancestors/);
      expect(res.headers.get('x-powered-by'), path).toBeNull();
      if (res.status >= 400) await expectCleanError(res);
      else await res.arrayBuffer();
    }
    // The probes reached the answers they were meant to: redirect, 4xx of several kinds.
    expect(seen).toEqual(
      expect.arrayContaining([
        'GET /oauth/install 302',
        'POST /webhooks/ghl 401',
        'POST /webhooks/ghl 413',
        'GET /api/settings 401',
      ]),
    );
  });

  it(`rate-limits /oauth/* per address: ${OAUTH_RATE_LIMIT.max} a minute, then 429 with Retry-After`, async () => {
    const from = '203.0.113.7';
    const statuses: number[] = [];
    for (let i = 0; i < OAUTH_RATE_LIMIT.max; i++) {
      const res = await get(i % 2 ? '/oauth/install' : '/oauth/callback?code=guess', { from });
      statuses.push(res.status);
      await res.arrayBuffer();
    }
    expect(statuses.filter((s) => s === 429)).toEqual([]);
    const limited = await get('/oauth/callback?code=guess-again', { from });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    await expectCleanError(limited);
    // Only the code exchanges that got through reached GHL.
    const exchanges = stack.sandbox.requests.filter((r) => r.path === '/oauth/token');
    expect(exchanges.length).toBeLessThanOrEqual(OAUTH_RATE_LIMIT.max / 2 + 2);
    // Another address is not affected; the same one is served again once the window has passed.
    expect((await get('/oauth/install', { from: '203.0.113.8' })).status).toBe(302);
    stack.clock.advance(OAUTH_RATE_LIMIT.windowMs);
    expect((await get('/oauth/install', { from })).status).toBe(302);
  });

  it('answers an unexpected failure with 500 INTERNAL and no trace of the cause', async () => {
    const token = await sessionToken();
    const ok = await get('/api/settings', { headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(200);
    await ok.arrayBuffer();
    await sql`alter table location_settings rename to location_settings_gone`.execute(stack.rt.db.db);
    try {
      const res = await get('/api/settings', { headers: { authorization: `Bearer ${token}` } });
      expect(res.status).toBe(500);
      await expectCleanError(res);
    } finally {
      await sql`alter table location_settings_gone rename to location_settings`.execute(stack.rt.db.db);
    }
  });
});
