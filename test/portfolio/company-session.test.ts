import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encryptSso } from '../../src/sandbox/sso.js';
import {
  AGENCY_USERS,
  type Agency,
  agencyPayload,
  as,
  COMPANY_ID,
  companyToken,
  LOCATION_2_ID,
  LOCATION_ID,
  RIVAL_OWNER,
  signIn,
  startAgency,
} from './helpers.js';

let agency: Agency;
beforeAll(async () => {
  agency = await startAgency();
});
afterAll(async () => agency?.stack.close());

describe('POST /api/session with "scope": "company"', () => {
  it('gives a confirmed agency user a one-hour company token with the role GHL reports', async () => {
    const before = agency.stack.sandbox.requests.length;
    // The payload claims "user"; GHL says admin, and GHL's word counts.
    const res = await signIn(agency.stack, { payload: agencyPayload({ role: 'user' }), scope: 'company' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ companyId: COMPANY_ID, userId: AGENCY_USERS.owner, role: 'admin' });
    expect(typeof res.body.token).toBe('string');
    expect(Date.parse(res.body.expiresAt) - agency.stack.clock.now().getTime()).toBe(3_600_000);
    // Confirmed with the agency's own token through the users search GHL documents.
    const asked = agency.stack.sandbox.requests.slice(before).find((r) => r.path.startsWith('/users/search'));
    expect(asked?.status).toBe(200);
  });

  it('still answers 400 LOCATION_REQUIRED with the choices without a scope', async () => {
    const res = await signIn(agency.stack, { payload: agencyPayload() });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('LOCATION_REQUIRED');
  });

  it.each([
    ['a user of another agency naming this company', { userId: RIVAL_OWNER }, 'USER_NOT_CONFIRMED'],
    ['a user GHL does not know', { userId: 'user_nobody' }, 'USER_NOT_CONFIRMED'],
    ['a sub-account user claiming to be an agency user', { userId: 'user_mgr_maya' }, 'USER_NOT_CONFIRMED'],
    ['a payload without a company (GHL sends "" for some owners)', { companyId: '' }, 'FORBIDDEN'],
  ])('refuses %s with 403', async (_name, over, code) => {
    const res = await signIn(agency.stack, { payload: agencyPayload(over), scope: 'company' });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe(code);
  });

  it('refuses a payload that does not decrypt with 401', async () => {
    const payload = encryptSso({ userId: AGENCY_USERS.owner, companyId: COMPANY_ID }, 'not-the-secret');
    expect((await signIn(agency.stack, { payload, scope: 'company' })).status).toBe(401);
  });
});

describe('company tokens and sub-account tokens stay apart', () => {
  it('a sub-account token gets 403 on the portfolio; a company token opens no sub-account API', async () => {
    const location = await signIn(agency.stack, { payload: agencyPayload(), locationId: LOCATION_ID });
    expect(location.status).toBe(200);
    const portfolio = await as(agency.stack, location.body.token).get('/api/portfolio');
    expect(portfolio.status).toBe(403);
    expect(portfolio.body.error.code).toBe('FORBIDDEN');

    const company = await companyToken(agency.stack);
    const settings = await as(agency.stack, company).get('/api/settings');
    expect(settings.status).toBe(401);
    expect((await as(agency.stack, 'not.a.token').get('/api/portfolio')).status).toBe(401);
    expect((await as(agency.stack, company).get('/api/portfolio?days=0')).status).toBe(400);
  });

  it('an agency user GHL restricts to one sub-account sees only that one, and may not write', async () => {
    const token = await companyToken(agency.stack, { userId: AGENCY_USERS.manager, role: 'admin' });
    const res = await as(agency.stack, token).get('/api/portfolio');
    expect(res.status).toBe(200);
    expect(res.body.locations.map((l: { locationId: string }) => l.locationId)).toEqual([LOCATION_2_ID]);
    const copy = await as(agency.stack, token)
      .post('/api/portfolio/copy')
      .send({ locationIds: [LOCATION_2_ID] });
    expect(copy.status).toBe(403);
    const put = await as(agency.stack, token).put('/api/portfolio/template').set('If-Match', '"0"').send({});
    expect(put.status).toBe(403);
  });
});
