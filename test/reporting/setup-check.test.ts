/**
 * GET /api/setup-check through the HTTP surface against the sandbox: each check moves from "to do" to "done"
 * when the fact behind it changes; the booking link's probe refuses private addresses without connecting.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProbeResult } from '../../src/reporting/link-probe.js';
import { isPrivateAddress, probeLink } from '../../src/reporting/link-probe.js';
import type { Runtime } from '../../src/runtime.js';
import { authed, seedInstallation, startApi, tokenFor } from '../settings/api-helpers.js';
import { seedRun } from './seed.js';

let rt: Runtime;
let clock: { advance(ms: number): void };
let api: ReturnType<typeof authed>;
let probe: ProbeResult = { state: 'ok', status: 200 };
const probed: string[] = [];

const check = async (key: string) => {
  const res = await api.get('/api/setup-check');
  expect(res.status).toBe(200);
  return res.body.checks.find((c: { key: string }) => c.key === key);
};

beforeAll(async () => {
  ({ rt, clock } = await startApi());
  rt.deps.linkProbe = async (url) => {
    probed.push(url);
    return probe;
  };
  await seedInstallation(rt.db.db, { locationId: 'loc_s', timezone: 'America/Chicago' });
  api = authed(rt.app, await tokenFor(rt.app, 'loc_s'));
});

afterAll(async () => {
  await rt?.close();
});

async function saveSettings(change: (doc: Record<string, unknown>) => void) {
  const current = await api.get('/api/settings');
  const doc = structuredClone(current.body);
  change(doc);
  const res = await api
    .put('/api/settings')
    .set('If-Match', current.headers.etag ?? '')
    .send(doc);
  expect(res.body).toMatchObject({ enabled: doc.enabled });
}

describe('GET /api/setup-check', () => {
  it('says what is left, each with where to fix it, and nothing is done on a fresh install', async () => {
    const res = await api.get('/api/setup-check');
    expect(res.status).toBe(200);
    expect(res.body.checks.map((c: { key: string }) => c.key)).toEqual([
      'numbers',
      'reps',
      'booking-link',
      'email-address',
      'a2p',
      'double-texting',
      'test-call',
    ]);
    expect(res.body.total).toBe(7);
    expect(res.body.ready).toBe(false);
    const byKey = Object.fromEntries(res.body.checks.map((c: { key: string; state: string }) => [c.key, c]));
    expect(byKey.reps.state).toBe('todo');
    expect(byKey['test-call'].state).toBe('todo');
    expect(byKey.a2p.state).toBe('unknown');
    // GHL cannot say whether its own text-back is on: the owner is told where to look.
    expect(byKey['double-texting'].state).toBe('unknown');
    expect(byKey['double-texting'].fix).toContain('Missed Call Text Back');
    for (const c of res.body.checks) expect(c.detail).not.toMatch(/loc_s|undefined|null/);
  });

  it('turns reps, booking link and test call to done when they are', async () => {
    const users = (await api.get('/api/lookups')).body.users as { id: string }[];
    expect(users.length).toBeGreaterThan(0);
    await saveSettings((doc) => {
      doc.routing = { userIds: [users[0]?.id], rules: [] };
      doc.bookingLink = 'https://book.example.com/jane';
    });
    expect((await check('reps')).state).toBe('ok');
    probe = { state: 'ok', status: 200 };
    expect((await check('booking-link')).state).toBe('ok');
    expect(probed).toContain('https://book.example.com/jane');
    probe = { state: 'broken', reason: 'the page answered with an error (HTTP 404)' };
    const broken = await check('booking-link');
    expect(broken.state).toBe('todo');
    expect(broken.detail).toContain('HTTP 404');
    expect((await api.post('/api/test-call').send({})).status).toBe(200);
    expect((await check('test-call')).state).toBe('ok');
    // 31 days later the test call is old news.
    clock.advance(31 * 86_400_000);
    api = authed(rt.app, await tokenFor(rt.app, 'loc_s'));
    expect((await check('test-call')).state).toBe('todo');
  });

  it('warns when carriers block texts, and when another automation texts missed callers', async () => {
    const db = rt.db.db;
    const now = rt.deps.clock.now();
    await db
      .insertInto('location_warnings')
      .values({ location_id: 'loc_s', code: '30034', first_at: now, last_at: now, occurrences: 3 })
      .execute();
    const a2p = await check('a2p');
    expect(a2p.state).toBe('todo');
    expect(a2p.detail).toContain('3 texts');
    const { runId } = await seedRun(db, { locationId: 'loc_s', contactId: 'c_dbl', startedAt: now.toISOString() });
    expect(runId).toBeGreaterThan(0);
    await db
      .insertInto('contact_events')
      .values({
        location_id: 'loc_s',
        contact_id: 'c_dbl',
        kind: 'other-automation',
        at: new Date(now.getTime() + 30_000),
        ref: 'msg_workflow_1',
        detail: '{}',
      })
      .execute();
    const doubled = await check('double-texting');
    expect(doubled.state).toBe('warn');
    expect(doubled.detail).toContain('1 missed caller');
  });

  it('needs a session, and shows each location only its own facts', async () => {
    expect((await authed(rt.app, 'nope').get('/api/setup-check')).status).toBe(401);
    await seedInstallation(rt.db.db, { locationId: 'loc_t', timezone: 'America/Chicago' });
    const other = authed(rt.app, await tokenFor(rt.app, 'loc_t'));
    const res = await other.get('/api/setup-check');
    const a2p = res.body.checks.find((c: { key: string }) => c.key === 'a2p');
    expect(a2p.state).toBe('unknown');
  });
});

describe('the booking link probe', () => {
  let server: Server;
  let hits = 0;
  let port = 0;

  beforeAll(async () => {
    server = createServer((_req, res) => {
      hits++;
      res.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each([
    ['127.0.0.1', true],
    ['10.1.2.3', true],
    ['172.20.0.1', true],
    ['192.168.1.10', true],
    ['169.254.169.254', true],
    ['100.64.0.1', true],
    ['::1', true],
    ['fd00::1', true],
    ['fe80::1', true],
    ['::ffff:127.0.0.1', true],
    ['8.8.8.8', false],
    ['2606:4700::1111', false],
  ])('%s is private: %s', (address, expected) => {
    expect(isPrivateAddress(address)).toBe(expected);
  });

  it('never connects to a private address, by IP or by a name that resolves to one', async () => {
    expect(await probeLink(`http://127.0.0.1:${port}/book`)).toMatchObject({ state: 'unchecked' });
    expect(await probeLink(`http://localhost:${port}/book`)).toMatchObject({ state: 'unchecked' });
    expect(await probeLink(`http://[::1]:${port}/book`)).toMatchObject({ state: 'unchecked' });
    expect(hits).toBe(0);
  });

  it('calls anything but a web address broken', async () => {
    expect(await probeLink('book.brightsmile.com')).toMatchObject({ state: 'broken' });
    expect(await probeLink('ftp://example.com/x')).toMatchObject({ state: 'broken' });
    expect(await probeLink('https://user:pw@example.com/')).toMatchObject({ state: 'broken' });
  });
});
