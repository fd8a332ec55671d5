import jwt from 'jsonwebtoken';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../src/clock.js';
import type { Runtime } from '../../src/runtime.js';
import { encryptSso } from '../../src/sandbox/sso.js';
import { signSession } from '../../src/session/token.js';
import { TEST_SHARED_SECRET } from '../helpers/config.js';
import {
  authed,
  ghlUser,
  nextIp,
  postSession,
  seedInstallation,
  ssoPayload,
  startApi,
  tokenFor,
} from '../settings/api-helpers.js';

let rt: Runtime;
let clock: ManualClock;
const SECRET = 'test-session-secret-0123456789';

beforeAll(async () => {
  ({ rt, clock } = await startApi());
  const db = rt.db.db;
  await seedInstallation(db, { locationId: 'loc_s1', companyId: 'comp_a', name: 'Alpha Dental' });
  await seedInstallation(db, { locationId: 'loc_s2', companyId: 'comp_a', name: 'Beta Dental' });
  await seedInstallation(db, { locationId: 'loc_gone', companyId: 'comp_a', status: 'uninstalled' });
  await seedInstallation(db, { locationId: 'loc_other', companyId: 'comp_b' });
  // GHL knows the payloads' default user as an admin of each installed location.
  for (const loc of ['loc_s1', 'loc_s2', 'loc_other'])
    ghlUser(loc, { userId: 'user_admin', role: 'admin', userName: 'Maya Patel' });
});
afterAll(async () => rt?.close());

const sso = (over: Record<string, unknown>) => encryptSso(ssoPayload(over), TEST_SHARED_SECRET);

describe('POST /api/session', () => {
  it('exchanges a location user payload for a 1-hour HS256 token with the contract claims', async () => {
    const res = await postSession(rt.app, { payload: sso({ activeLocation: 'loc_s1', companyId: 'comp_a' }) });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      locationId: 'loc_s1',
      userId: 'user_admin',
      role: 'admin',
      locationName: 'Alpha Dental',
    });
    const decoded = jwt.verify(res.body.token, SECRET, {
      algorithms: ['HS256'],
      clockTimestamp: Math.floor(clock.now().getTime() / 1000),
    });
    expect(decoded).toMatchObject({
      sub: 'user_admin',
      locationId: 'loc_s1',
      companyId: 'comp_a',
      role: 'admin',
      userName: 'Maya Patel',
      iss: 'ringback',
      aud: 'ringback-settings',
    });
    const claims = decoded as { iat: number; exp: number };
    expect(claims.exp - claims.iat).toBe(3600);
    expect(claims.iat).toBe(Math.floor(clock.now().getTime() / 1000));
    expect(jwt.decode(res.body.token, { complete: true })?.header.alg).toBe('HS256');
  });

  it.each([
    ['garbage', 'not-base64-at-all!!'],
    ['the wrong shared secret', encryptSso(ssoPayload({ activeLocation: 'loc_s1' }), 'another-secret')],
    ['a payload that is not JSON', Buffer.concat([Buffer.from('Salted__'), Buffer.alloc(40, 1)]).toString('base64')],
    ['a payload without userId', encryptSso({ activeLocation: 'loc_s1', role: 'admin' }, TEST_SHARED_SECRET)],
  ])('answers 401 SSO_DECRYPT_FAILED for %s', async (_name, payload) => {
    const res = await postSession(rt.app, { payload });
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('SSO_DECRYPT_FAILED');
  });

  it('answers 400 without a payload', async () => {
    const res = await postSession(rt.app, {});
    expect(res.status).toBe(400);
  });

  it('refuses a location that is not installed (unknown or uninstalled) with 403', async () => {
    for (const loc of ['loc_unknown', 'loc_gone']) {
      const res = await postSession(rt.app, { payload: sso({ activeLocation: loc }) });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('LOCATION_NOT_INSTALLED');
    }
  });

  it('asks an agency user without an active location to choose among the company’s installed locations', async () => {
    const payload = sso({ type: 'agency', companyId: 'comp_a', activeLocation: undefined });
    const ask = await postSession(rt.app, { payload });
    expect(ask.status).toBe(400);
    expect(ask.body.error.code).toBe('LOCATION_REQUIRED');
    expect(ask.body.error.choices).toEqual([
      { locationId: 'loc_s1', name: 'Alpha Dental' },
      { locationId: 'loc_s2', name: 'Beta Dental' },
    ]);
    const chosen = await postSession(rt.app, { payload, locationId: 'loc_s2' });
    expect(chosen.status).toBe(200);
    expect(chosen.body.locationId).toBe('loc_s2');
    // Another agency's location, or an uninstalled one, cannot be chosen.
    for (const loc of ['loc_other', 'loc_gone']) {
      const res = await postSession(rt.app, { payload, locationId: loc });
      expect(res.status).toBe(403);
    }
  });

  it('ignores a body locationId when GHL names the active location', async () => {
    const res = await postSession(rt.app, { payload: sso({ activeLocation: 'loc_s1' }), locationId: 'loc_other' });
    expect(res.status).toBe(200);
    expect(res.body.locationId).toBe('loc_s1');
  });

  it('limits sign-in attempts per address to 30 a minute (429), then lets them in again', async () => {
    const ip = nextIp();
    const payload = sso({ activeLocation: 'loc_s1' });
    for (let i = 0; i < 30; i++) expect((await postSession(rt.app, { payload }, ip)).status).toBe(200);
    const limited = await postSession(rt.app, { payload }, ip);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await postSession(rt.app, { payload })).status).toBe(200);
    clock.advance(60_000);
    expect((await postSession(rt.app, { payload }, ip)).status).toBe(200);
  });
});

describe('session tokens on /api', () => {
  const session = { userId: 'user_admin', locationId: 'loc_s1', companyId: 'comp_a', role: 'admin', userName: 'Maya' };
  const get = (token: string) => request(rt.app).get('/api/settings').set('Authorization', `Bearer ${token}`);

  it('needs a Bearer token', async () => {
    const res = await request(rt.app).get('/api/settings');
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('UNAUTHORIZED');
  });

  it('accepts its own token and expires it after an hour by the injected clock (TOKEN_EXPIRED)', async () => {
    const token = await tokenFor(rt.app, 'loc_s1');
    expect((await get(token)).status).toBe(200);
    clock.advance(59 * 60_000);
    expect((await get(token)).status).toBe(200);
    clock.advance(2 * 60_000);
    const res = await get(token);
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('TOKEN_EXPIRED');
  });

  it.each([
    ['signed with another secret', () => signSession(session, 'some-other-secret-0123456', clock.now()).token],
    [
      'with alg none',
      () =>
        jwt.sign({ ...session, sub: 'user_admin', iss: 'ringback', aud: 'ringback-settings' }, '', {
          algorithm: 'none',
        }),
    ],
    [
      'for another audience',
      () =>
        jwt.sign({ locationId: 'loc_s1', companyId: '', role: 'admin', userName: '' }, SECRET, {
          algorithm: 'HS256',
          subject: 'u',
          issuer: 'ringback',
          audience: 'elsewhere',
          expiresIn: 3600,
        }),
    ],
    [
      'from another issuer',
      () =>
        jwt.sign({ locationId: 'loc_s1', companyId: '', role: 'admin', userName: '' }, SECRET, {
          algorithm: 'HS256',
          subject: 'u',
          issuer: 'mallory',
          audience: 'ringback-settings',
          expiresIn: 3600,
        }),
    ],
    [
      'signed HS512',
      () =>
        jwt.sign({ locationId: 'loc_s1', companyId: '', role: 'admin', userName: '' }, SECRET, {
          algorithm: 'HS512',
          subject: 'u',
          issuer: 'ringback',
          audience: 'ringback-settings',
          expiresIn: 3600,
        }),
    ],
    [
      'without a location claim',
      () =>
        jwt.sign({ companyId: '', role: 'admin', userName: '' }, SECRET, {
          algorithm: 'HS256',
          subject: 'u',
          issuer: 'ringback',
          audience: 'ringback-settings',
          expiresIn: 3600,
        }),
    ],
  ])('refuses a forged token %s with 401 INVALID_TOKEN', async (_name, make) => {
    // Forged tokens carry the wall clock's iat; move the manual clock there so only the forgery is judged.
    clock.set(Date.now());
    const res = await get(make());
    expect(res.status).toBe(401);
    expect(res.body.error.code).toBe('INVALID_TOKEN');
  });

  it('a user who is not an admin can read but not change the settings', async () => {
    const token = await tokenFor(rt.app, 'loc_s2', { role: 'user', userId: 'user_rep' });
    const api = authed(rt.app, token);
    const got = await api.get('/api/settings');
    expect(got.status).toBe(200);
    const put = await api
      .put('/api/settings')
      .set('If-Match', got.headers.etag ?? '')
      .send(got.body);
    expect(put.status).toBe(403);
    expect(put.body.error.code).toBe('FORBIDDEN');
  });
});

describe('uninstall', () => {
  it('stops a still-valid session of a location that was uninstalled since (403)', async () => {
    await seedInstallation(rt.db.db, { locationId: 'loc_leaving' });
    const api = authed(rt.app, await tokenFor(rt.app, 'loc_leaving'));
    expect((await api.get('/api/settings')).status).toBe(200);
    await rt.db.db
      .updateTable('installations')
      .set({ status: 'uninstalled' })
      .where('location_id', '=', 'loc_leaving')
      .execute();
    const res = await api.get('/api/settings');
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('LOCATION_NOT_INSTALLED');
  });
});
