/**
 * Issue 15, points 1 and 3: the SSO payload is AES-CBC without integrity, so a rep can flip bits to claim
 * `admin`; GHL's users API, not the payload, decides who may change settings. Session tokens must expire.
 */
import { randomBytes } from 'node:crypto';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../src/clock.js';
import type { Runtime } from '../../src/runtime.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { encryptSso } from '../../src/sandbox/sso.js';
import { TEST_SHARED_SECRET } from '../helpers/config.js';
import { authed, ghlUser, postSession, seedInstallation, startApi } from '../settings/api-helpers.js';

let rt: Runtime;
let clock: ManualClock;
let sandbox: Sandbox;
const SECRET = 'test-session-secret-0123456789';

beforeAll(async () => {
  ({ rt, clock, sandbox } = await startApi());
  await seedInstallation(rt.db.db, { locationId: 'loc_f1', companyId: 'comp_f' });
  await seedInstallation(rt.db.db, { locationId: 'loc_f2', companyId: 'comp_f' });
  await seedInstallation(rt.db.db, { locationId: 'loc_g1', companyId: 'comp_g' });
  ghlUser('loc_f1', { userId: 'user_rep', role: 'user', userName: 'Ana Lopez' });
  ghlUser('loc_f1', { userId: 'user_boss', role: 'admin', userName: 'Maya Patel' });
  ghlUser('loc_f1', { userId: 'user_gone', role: 'admin', userName: 'Old Admin', deleted: true });
  ghlUser('loc_f2', { userId: 'user_f2', role: 'admin', userName: 'Other Admin' });
});
afterAll(async () => rt?.close());

/** GHL's field order (docs/security.md): userId, companyId, role, type, activeLocation, userName, email. */
function claims(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    userId: 'user_rep',
    companyId: 'comp_f',
    role: 'user',
    type: 'location',
    activeLocation: 'loc_f1',
    userName: 'Ana Lopez',
    email: 'ana@example.com',
    ...over,
  };
}

async function canWrite(token: string): Promise<number> {
  const api = authed(rt.app, token);
  const current = await api.get('/api/settings');
  return (
    await api
      .put('/api/settings')
      .set('If-Match', current.headers.etag ?? '')
      .send(current.body)
  ).status;
}

/**
 * The attack of issue 15: XOR into the ciphertext block before `user","type"` the difference to
 * `admin","typ"`; CBC turns that block's plaintext into `admin` and the block before into random bytes.
 * `noise` flips more bits in that earlier block's ciphertext (another try of the same attack).
 */
function flipToAdmin(payload: string, plaintext: string, noise: Buffer): string {
  const raw = Buffer.from(payload, 'base64');
  const at = plaintext.indexOf('user","type"');
  const from = Buffer.from('user","type"');
  const to = Buffer.from('admin","typ"');
  const ciphertextStart = 16;
  for (let i = 0; i < from.length; i++) {
    const pos = ciphertextStart + at + i - 16;
    raw[pos] = (raw[pos] as number) ^ (from[i] as number) ^ (to[i] as number);
  }
  const garbled = ciphertextStart + (Math.floor(at / 16) - 2) * 16;
  for (let i = 0; i < 16; i++) raw[garbled + i] = (raw[garbled + i] as number) ^ (noise[i] as number);
  return raw.toString('base64');
}

/** A companyId long enough that `user","type"` sits in one block and the block before lies inside it. */
function alignedClaims(): { claims: Record<string, unknown>; text: string } {
  for (let pad = 0; pad < 32; pad++) {
    const c = claims({ companyId: `comp_f${'x'.repeat(pad)}` });
    const text = JSON.stringify(c);
    const at = text.indexOf('user","type"');
    const start = text.indexOf('"companyId":"') + 13;
    const block = Math.floor(at / 16);
    if (at % 16 <= 4 && (block - 1) * 16 >= start) return { claims: c, text };
  }
  throw new Error('no alignment found');
}

describe('the SSO payload names the user; GHL says what they may do', () => {
  it('gives a rep whose CBC payload was flipped to "admin" no write access, whatever it decrypts to', async () => {
    const { claims: c, text } = alignedClaims();
    const payload = encryptSso(c, TEST_SHARED_SECRET);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 40; attempt++) {
      const forged = flipToAdmin(payload, text, attempt === 0 ? Buffer.alloc(16) : randomBytes(16));
      const res = await postSession(rt.app, { payload: forged });
      statuses.push(res.status);
      if (res.status === 200) {
        expect(res.body.role).toBe('user');
        expect(await canWrite(res.body.token)).toBe(403);
      }
    }
    // Garbled blocks decrypt to control characters or U+FFFD: refused before GHL is even asked.
    expect(statuses.every((s) => s === 401 || s === 403)).toBe(true);
  });

  it('gives a perfect forgery (the payload says admin, GHL says user) a read-only session', async () => {
    const res = await postSession(rt.app, { payload: encryptSso(claims({ role: 'admin' }), TEST_SHARED_SECRET) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ role: 'user', userId: 'user_rep', userName: 'Ana Lopez' });
    expect(jwt.decode(res.body.token)).toMatchObject({ role: 'user' });
    expect(await canWrite(res.body.token)).toBe(403);
  });

  it('gives an admin GHL confirms write access, even when the payload calls them a user', async () => {
    const res = await postSession(rt.app, {
      payload: encryptSso(claims({ userId: 'user_boss', role: 'user' }), TEST_SHARED_SECRET),
    });
    expect(res.status).toBe(200);
    expect(res.body.role).toBe('admin');
    expect(await canWrite(res.body.token)).toBe(200);
  });

  it.each([
    ['a user GHL does not know', { userId: 'user_nobody' }],
    ['a user GHL lists as deleted', { userId: 'user_gone' }],
    ['a user of another sub-account', { userId: 'user_f2' }],
  ])('refuses %s with 403 USER_NOT_CONFIRMED', async (_name, over) => {
    const res = await postSession(rt.app, {
      payload: encryptSso(claims({ ...over, role: 'admin' }), TEST_SHARED_SECRET),
    });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('USER_NOT_CONFIRMED');
  });

  it.each([
    ['an id with a path in it', { userId: '../locations/loc_f1' }],
    ['an id with a control character', { userId: 'user_rep\u0001' }],
    ['an id with a replacement character', { userId: 'user_\ufffdrep' }],
    ['a name with a replacement character', { userName: 'Ana \ufffd' }],
    ['a location that is not an id', { activeLocation: 'loc_f1/../x' }],
  ])('refuses a payload holding %s with 401, asking GHL nothing', async (_name, over) => {
    const before = sandbox.requests.length;
    const res = await postSession(rt.app, { payload: encryptSso(claims(over), TEST_SHARED_SECRET) });
    expect(res.status).toBe(401);
    expect(sandbox.requests.length).toBe(before);
  });

  it('asks GHL once per user and location for a session hour, then again', async () => {
    const payload = encryptSso(claims({ userId: 'user_boss' }), TEST_SHARED_SECRET);
    const asked = () => sandbox.requests.filter((r) => r.path === '/users/user_boss').length;
    clock.advance(2 * 3600_000);
    await postSession(rt.app, { payload });
    const first = asked();
    expect(first).toBeGreaterThan(0);
    clock.advance(59 * 60_000);
    expect((await postSession(rt.app, { payload })).status).toBe(200);
    expect(asked()).toBe(first);
    clock.advance(2 * 60_000);
    expect((await postSession(rt.app, { payload })).status).toBe(200);
    expect(asked()).toBe(first + 1);
  });

  it('answers 503 when GHL cannot be asked, and signs nobody in', async () => {
    sandbox.faults.add({ path: '/users/user_rep', kind: '5xx', times: 10 });
    try {
      clock.advance(2 * 3600_000);
      const res = await postSession(rt.app, { payload: encryptSso(claims(), TEST_SHARED_SECRET) });
      expect(res.status).toBe(503);
      expect(res.body.error.code).toBe('GHL_UNAVAILABLE');
    } finally {
      sandbox.faults.clear();
    }
  });
});

describe('agency users without an active location', () => {
  const agency = (over: Record<string, unknown>) =>
    encryptSso(
      {
        userId: 'user_agent',
        companyId: 'comp_f',
        role: 'admin',
        type: 'agency',
        userName: 'Agent',
        email: 'a@x.com',
        ...over,
      },
      TEST_SHARED_SECRET,
    );

  it('are confirmed by GHL as users of the company that owns the location they pick', async () => {
    sandbox.store.putAgencyUser({
      id: 'user_agent',
      companyId: 'comp_f',
      locationIds: [],
      restrictSubAccount: false,
      firstName: 'Agent',
      lastName: '',
      name: 'Agent',
      email: 'a@x.com',
      phone: '',
      role: 'admin',
    });
    const res = await postSession(rt.app, { payload: agency({}), locationId: 'loc_f2' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ locationId: 'loc_f2', role: 'admin' });
  });

  it('are refused in a company they do not belong to, whatever companyId the payload names', async () => {
    sandbox.store.putAgencyUser({
      id: 'user_intruder',
      companyId: 'comp_g',
      locationIds: [],
      restrictSubAccount: false,
      firstName: 'I',
      lastName: '',
      name: 'I',
      email: 'i@x.com',
      phone: '',
      role: 'admin',
    });
    const res = await postSession(rt.app, { payload: agency({ userId: 'user_intruder' }), locationId: 'loc_f1' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('USER_NOT_CONFIRMED');
  });

  it('are refused in a sub-account GHL restricts them from', async () => {
    sandbox.store.putAgencyUser({
      id: 'user_narrow',
      companyId: 'comp_f',
      locationIds: ['loc_f2'],
      restrictSubAccount: true,
      firstName: 'N',
      lastName: '',
      name: 'N',
      email: 'n@x.com',
      phone: '',
      role: 'user',
    });
    expect(
      (await postSession(rt.app, { payload: agency({ userId: 'user_narrow' }), locationId: 'loc_f1' })).status,
    ).toBe(403);
    const allowed = await postSession(rt.app, { payload: agency({ userId: 'user_narrow' }), locationId: 'loc_f2' });
    expect(allowed.status).toBe(200);
    expect(allowed.body.role).toBe('user');
  });
});

describe('session tokens have a maximum age', () => {
  const get = (token: string) => request(rt.app).get('/api/settings').set('Authorization', `Bearer ${token}`);
  const claimsOf = { locationId: 'loc_f1', companyId: 'comp_f', role: 'admin', userName: 'M' };
  const opts = { algorithm: 'HS256' as const, subject: 'user_boss', issuer: 'ringback', audience: 'ringback-settings' };
  const now = () => Math.floor(clock.now().getTime() / 1000);

  it.each([
    ['without exp', () => jwt.sign({ ...claimsOf, iat: now() }, SECRET, opts)],
    ['without iat', () => jwt.sign({ ...claimsOf, exp: now() + 600 }, SECRET, { ...opts, noTimestamp: true })],
    ['living a year', () => jwt.sign({ ...claimsOf, iat: now() }, SECRET, { ...opts, expiresIn: 365 * 86400 })],
    [
      'issued two hours ago with an exp ahead',
      () => jwt.sign({ ...claimsOf, iat: now() - 7200, exp: now() + 600 }, SECRET, opts),
    ],
    ['issued in the future', () => jwt.sign({ ...claimsOf, iat: now() + 3000, exp: now() + 3600 }, SECRET, opts)],
  ])('refuses a token signed with the real secret %s (401)', async (_name, make) => {
    const res = await get(make());
    expect(res.status).toBe(401);
    expect(['INVALID_TOKEN', 'TOKEN_EXPIRED']).toContain(res.body.error.code);
  });

  it('accepts a well-formed hour-long token', async () => {
    expect((await get(jwt.sign({ ...claimsOf, iat: now() }, SECRET, { ...opts, expiresIn: 3600 }))).status).toBe(200);
  });
});
