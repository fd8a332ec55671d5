import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../src/clock.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import { COMPANY_ID, LOCATION_2_ID, LOCATION_ID } from '../../src/sandbox/seed.js';
import { api, CREDS, clientForm, form, install, startSandbox } from './helpers.js';

let sandbox: Sandbox;
let clock: ManualClock;
beforeEach(async () => {
  ({ sandbox, clock } = await startSandbox());
});
afterEach(() => sandbox.close());

const refresh = (refreshToken: string) =>
  fetch(
    `${sandbox.url}/oauth/token`,
    form({ ...clientForm(), grant_type: 'refresh_token', refresh_token: refreshToken }),
  );

describe('sandbox OAuth', () => {
  it('redirects chooselocation to the callback with a single-use code that yields a Location token', async () => {
    const res = await fetch(
      `${sandbox.url}/v2/oauth/chooselocation?response_type=code&client_id=${CREDS.clientId}` +
        `&redirect_uri=${encodeURIComponent('http://127.0.0.1:1/oauth/callback')}&scope=contacts.readonly`,
      { redirect: 'manual' },
    );
    expect(res.status).toBe(302);
    const code = new URL(res.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const exchange = () =>
      fetch(`${sandbox.url}/oauth/token`, form({ ...clientForm(), grant_type: 'authorization_code', code }));
    const first = await exchange();
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({
      token_type: 'Bearer',
      expires_in: 86399,
      userType: 'Location',
      locationId: LOCATION_ID,
      companyId: COMPANY_ID,
      scope: 'contacts.readonly',
    });
    const second = await exchange();
    expect(second.status).toBe(400);
    expect(await second.json()).toMatchObject({ error: 'invalid_grant' });
    expect(sandbox.store.isInstalled(LOCATION_ID)).toBe(true);
  });

  it("answers a code exchange by the install's type: no user_type is fine, naming the other type is refused", async () => {
    const codeFor = async (extra: string) => {
      const res = await fetch(
        `${sandbox.url}/v2/oauth/chooselocation?response_type=code&client_id=${CREDS.clientId}` +
          `&redirect_uri=${encodeURIComponent('http://127.0.0.1:1/oauth/callback')}&scope=contacts.readonly${extra}`,
        { redirect: 'manual' },
      );
      return new URL(res.headers.get('location') ?? '').searchParams.get('code') ?? '';
    };
    const exchange = async (code: string, userType?: string) =>
      fetch(
        `${sandbox.url}/oauth/token`,
        form({ ...clientForm(), grant_type: 'authorization_code', code, ...(userType ? { user_type: userType } : {}) }),
      );
    const agency = await exchange(await codeFor('&bulk=1'));
    expect(await agency.json()).toMatchObject({ userType: 'Company', companyId: COMPANY_ID });
    const wrong = await exchange(await codeFor('&bulk=1'), 'Location');
    expect(wrong.status).toBe(400);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_request' });
    const right = await exchange(await codeFor(''), 'Location');
    expect(await right.json()).toMatchObject({ userType: 'Location', locationId: LOCATION_ID });
  });

  it('rejects an unregistered redirect_uri, a wrong client id, JSON token requests and a wrong secret', async () => {
    const bad = await fetch(
      `${sandbox.url}/v2/oauth/chooselocation?response_type=code&client_id=${CREDS.clientId}&redirect_uri=https://evil.example/cb`,
      { redirect: 'manual' },
    );
    expect(bad.status).toBe(400);
    const wrongClient = await fetch(
      `${sandbox.url}/v2/oauth/chooselocation?response_type=code&client_id=nope&redirect_uri=http://127.0.0.1:1/oauth/callback`,
      { redirect: 'manual' },
    );
    expect(wrongClient.status).toBe(400);
    const json = await fetch(`${sandbox.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...clientForm(), grant_type: 'authorization_code', code: 'x' }),
    });
    expect(json.status).toBe(400);
    const secret = await fetch(
      `${sandbox.url}/oauth/token`,
      form({ client_id: CREDS.clientId, client_secret: 'wrong', grant_type: 'refresh_token', refresh_token: 'x' }),
    );
    expect(secret.status).toBe(401);
  });

  it('rotates refresh tokens: the new pair works, the used token is invalid_grant, refreshes are counted', async () => {
    const tokens = await install(sandbox);
    const res = await refresh(tokens.refresh_token);
    expect(res.status).toBe(200);
    const next = (await res.json()) as { access_token: string; refresh_token: string };
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    expect(sandbox.store.refreshCount(LOCATION_ID)).toBe(1);
    const reuse = await refresh(tokens.refresh_token);
    expect(reuse.status).toBe(400);
    expect(await reuse.json()).toMatchObject({ error: 'invalid_grant', error_description: expect.any(String) });
    expect(sandbox.store.refreshCount(LOCATION_ID)).toBe(1);
    expect((await refresh(next.refresh_token)).status).toBe(200);
    const body = sandbox.requests.find((r) => r.path === '/oauth/token')?.body as Record<string, string>;
    expect(body['client_secret']).toBe('[redacted]');
  });

  it('expires access tokens on expireTokens and after the TTL on the clock', async () => {
    const tokens = await install(sandbox);
    const get = api(sandbox, tokens.access_token, '2021-07-28');
    expect((await get(`/locations/${LOCATION_ID}`)).status).toBe(200);
    sandbox.expireTokens(LOCATION_ID);
    const res = await get(`/locations/${LOCATION_ID}`);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({
      statusCode: 401,
      message: 'Invalid token: access token is invalid',
      error: 'Unauthorized',
    });
    const fresh = (await (await refresh(tokens.refresh_token)).json()) as { access_token: string };
    expect((await api(sandbox, fresh.access_token, '2021-07-28')(`/locations/${LOCATION_ID}`)).status).toBe(200);
    clock.advance(86_399_000);
    expect((await api(sandbox, fresh.access_token, '2021-07-28')(`/locations/${LOCATION_ID}`)).status).toBe(401);
  });

  it('revokeInstall kills the access token and the refresh token', async () => {
    const tokens = await install(sandbox);
    sandbox.revokeInstall(LOCATION_ID);
    expect((await api(sandbox, tokens.access_token, '2021-07-28')(`/locations/${LOCATION_ID}`)).status).toBe(401);
    expect(await (await refresh(tokens.refresh_token)).json()).toMatchObject({ error: 'invalid_grant' });
  });

  it('gives a bulk install a Company token that lists installed locations and mints location tokens', async () => {
    const company = await install(sandbox, { bulk: '1', locationId: LOCATION_ID });
    expect(company).toMatchObject({ userType: 'Company', companyId: COMPANY_ID, isBulkInstallation: true });
    expect(company.locationId).toBeUndefined();
    expect(company.approvedLocations).toEqual([LOCATION_ID]);
    const list = await api(
      sandbox,
      company.access_token,
      '2021-07-28',
    )(`/oauth/installedLocations?companyId=${COMPANY_ID}&appId=${sandbox.appId}`);
    expect(await list.json()).toMatchObject({
      locations: [
        { _id: LOCATION_ID, name: 'Bright Smile Dental', isInstalled: true },
        { _id: LOCATION_2_ID, isInstalled: false },
      ],
      count: 2,
      installToFutureLocations: false,
    });
    const mint = await fetch(`${sandbox.url}/oauth/locationToken`, {
      ...form({ companyId: COMPANY_ID, locationId: LOCATION_ID }),
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Bearer ${company.access_token}`,
        version: '2021-07-28',
      },
    });
    expect(mint.status).toBe(200);
    const location = (await mint.json()) as { access_token: string; refresh_token: string; locationId: string };
    expect(location.locationId).toBe(LOCATION_ID);
    expect(location.refresh_token).toEqual(expect.any(String));
    const users = await api(sandbox, location.access_token, '2021-07-28')(`/users/?locationId=${LOCATION_ID}`);
    expect(users.status).toBe(200);
    const contacts = await api(sandbox, company.access_token, '2021-07-28')(`/contacts/con_jane_cooper`);
    expect(contacts.status).toBe(403);
  });
});
