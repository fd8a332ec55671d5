import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { CONTACTS, LOCATION_ID } from '../../src/sandbox/seed.js';
import { api, startSandbox } from './helpers.js';

let sandbox: Sandbox;
let get: (path: string) => Promise<Response>;
const path = `/contacts/${CONTACTS.jane}`;
beforeEach(async () => {
  ({ sandbox } = await startSandbox());
  const token = sandbox.issueTokens({ locationId: LOCATION_ID }).access_token;
  const call = api(sandbox, token, '2021-07-28');
  get = (p) => call(p);
});
afterEach(() => sandbox.close());

describe('sandbox faults', () => {
  it('answers a 5xx in GHL shape for as many times as asked, then normally', async () => {
    sandbox.faults.add({ path, kind: '5xx', status: 502, times: 2 });
    for (let i = 0; i < 2; i++) {
      const res = await get(path);
      expect(res.status).toBe(502);
      expect(await res.json()).toMatchObject({ statusCode: 502, error: 'Bad Gateway' });
    }
    expect((await get(path)).status).toBe(200);
  });

  it('answers 429 with Retry-After, matching by method and RegExp', async () => {
    sandbox.faults.add({ method: 'get', path: /^\/contacts\//, kind: '429', retryAfterSeconds: 7 });
    const res = await get(path);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(res.headers.get('x-ratelimit-max')).toBe('100');
    expect((await get(`/locations/${LOCATION_ID}`)).status).toBe(200);
    sandbox.faults.clear();
    expect((await get(path)).status).toBe(200);
  });

  it('answers 200 with a body that is not JSON for a malformed fault', async () => {
    sandbox.faults.add({ path, kind: 'malformed', times: 1 });
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('application/json');
    const text = await res.text();
    expect(() => JSON.parse(text)).toThrow();
  });

  it('delays the normal answer for a latency fault', async () => {
    sandbox.faults.add({ path, kind: 'latency', latencyMs: 150, times: 1 });
    const started = Date.now();
    const res = await get(path);
    expect(res.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('never answers a timeout fault, and close() still returns promptly', async () => {
    sandbox.faults.add({ path, kind: 'timeout' });
    const token = sandbox.issueTokens({ locationId: LOCATION_ID }).access_token;
    const pending = fetch(`${sandbox.url}${path}`, {
      headers: { authorization: `Bearer ${token}`, version: '2021-07-28' },
      signal: AbortSignal.timeout(200),
    });
    await expect(pending).rejects.toThrow();
    const hanging = fetch(`${sandbox.url}${path}`, {
      headers: { authorization: `Bearer ${token}`, version: '2021-07-28' },
    }).catch((err: unknown) => err);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await sandbox.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await hanging).toBeInstanceOf(Error);
    expect(sandbox.requests.filter((r) => r.path === path).every((r) => r.status === 0)).toBe(true);
  });

  it('faults the token endpoint too', async () => {
    sandbox.faults.add({ method: 'POST', path: '/oauth/token', kind: '5xx', times: 1 });
    const res = await fetch(`${sandbox.url}/oauth/token`, { method: 'POST' });
    expect(res.status).toBe(503);
  });
});
