import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decryptToken } from '../../src/ghl/crypto.js';
import { findCompany, findInstallation } from '../../src/ghl/token-store.js';
import { GHL_SCOPES } from '../../src/ghl/scopes.js';
import { COMPANY_ID, LOCATION_2_ID, LOCATION_ID } from '../../src/sandbox/seed.js';
import { installVia, type Stack, startStack } from '../helpers/stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(() => stack?.close());

const installation = (id: string) => findInstallation(stack.rt.db.db, id);
const tokenRequests = () => stack.sandbox.requests.filter((r) => r.path === '/oauth/token');

describe('GET /oauth/install', () => {
  it('redirects to the v2 chooselocation screen with our client id, callback and scopes', async () => {
    const res = await fetch(`${stack.url}/oauth/install`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get('location') ?? '');
    expect(`${to.origin}${to.pathname}`).toBe(`${stack.sandbox.url}/v2/oauth/chooselocation`);
    expect(Object.fromEntries(to.searchParams)).toEqual({
      response_type: 'code',
      redirect_uri: `${stack.url}/oauth/callback`,
      client_id: stack.rt.deps.config.ghl.clientId,
      scope: GHL_SCOPES.join(' '),
    });
  });
});

describe('GET /oauth/callback', () => {
  it('installs a location: exchanges the code (form-encoded), stores encrypted tokens, reads name and timezone', async () => {
    const res = await installVia(stack, { locationId: LOCATION_ID });
    expect(res.status).toBe(200);
    expect(res.html).toContain('Bright Smile Dental');
    const row = await installation(LOCATION_ID);
    expect(row).toMatchObject({
      status: 'installed',
      company_id: COMPANY_ID,
      user_type: 'Location',
      name: 'Bright Smile Dental',
      timezone: 'America/New_York',
    });
    expect(row?.access_token_enc).toMatch(/^v2:k1:/);
    const exchange = tokenRequests().at(-1);
    expect(exchange?.body).toMatchObject({
      grant_type: 'authorization_code',
      redirect_uri: `${stack.url}/oauth/callback`,
    });
    // user_type is optional; the token's type follows who installed (docs/ghl-oauth.md, code exchange).
    expect(exchange?.body).not.toHaveProperty('user_type');
    const key = stack.rt.deps.config.tokenEncryptionKey;
    const token = decryptToken(key, row?.access_token_enc ?? '', LOCATION_ID);
    expect(token).toMatch(/^at_/);
    expect(row?.access_token_enc).not.toContain(token);
  });

  it('answers 400 with a JSON error for a missing or unknown code', async () => {
    const missing = await fetch(`${stack.url}/oauth/callback`);
    expect(missing.status).toBe(400);
    expect((await missing.json()).error.code).toBe('BAD_REQUEST');
    const unknown = await fetch(`${stack.url}/oauth/callback?code=not-a-code`);
    expect(unknown.status).toBe(400);
    expect((await unknown.json()).error.code).toBe('BAD_REQUEST');
  });

  it('escapes what GHL says about the location in the page', async () => {
    const loc = stack.sandbox.addLocation({ name: '<script>alert(1)</script> & Co' });
    const res = await installVia(stack, { locationId: loc.location.id });
    expect(res.status).toBe(200);
    expect(res.html).not.toContain('<script>alert');
    expect(res.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; Co');
  });

  it('bulk install: stores the company token, lists installed locations and mints a token for each', async () => {
    const a = stack.sandbox.addLocation({ companyId: 'comp_bulk', name: 'Bulk A', timezone: 'America/Denver' });
    const b = stack.sandbox.addLocation({ companyId: 'comp_bulk', name: 'Bulk B' });
    const res = await installVia(stack, { locationId: [a.location.id, b.location.id], company: true });
    expect(res.status).toBe(200);
    expect(res.html).toContain('Bulk A');
    expect(res.html).toContain('Bulk B');
    expect(await findCompany(stack.rt.db.db, 'comp_bulk')).toMatchObject({ status: 'installed' });
    for (const l of [a, b]) {
      const row = await installation(l.location.id);
      expect(row).toMatchObject({
        status: 'installed',
        company_id: 'comp_bulk',
        user_type: 'Company',
        name: l.location.name,
      });
      expect(row?.access_token_enc).toBeTruthy();
    }
    // The agency's code is exchanged as is: no user_type=Location that GHL would refuse for an agency install.
    expect(tokenRequests().at(-1)?.body).not.toHaveProperty('user_type');
    const listed = stack.sandbox.requests.find((r) => r.path === '/oauth/installedLocations');
    expect(listed?.query).toMatchObject({ companyId: 'comp_bulk', appId: stack.sandbox.appId });
    expect(stack.sandbox.requests.filter((r) => r.path === '/oauth/locationToken' && r.status === 200)).toHaveLength(2);
    // The minted tokens work for location-only endpoints.
    expect(await stack.rt.deps.ghl?.listUsers(a.location.id)).toHaveLength(3);
  });
});

describe('install and uninstall webhooks', () => {
  it('uninstall deletes the tokens; a reinstall starts a new tenure with new tokens', async () => {
    await installVia(stack, { locationId: LOCATION_2_ID });
    const first = await installation(LOCATION_2_ID);
    stack.clock.advance(60_000);
    const { delivery } = await stack.sandbox.phone.uninstall({ locationId: LOCATION_2_ID });
    expect(delivery.status).toBe(200);
    await stack.rt.worker.drain();
    expect(await installation(LOCATION_2_ID)).toMatchObject({
      status: 'uninstalled',
      access_token_enc: null,
      refresh_token_enc: null,
      uninstalled_at: stack.clock.now(),
    });
    await expect(stack.rt.deps.ghl?.listUsers(LOCATION_2_ID)).rejects.toThrow(/not installed/);

    stack.clock.advance(60_000);
    await installVia(stack, { locationId: LOCATION_2_ID });
    const again = await installation(LOCATION_2_ID);
    expect(again).toMatchObject({ status: 'installed', uninstalled_at: null, installed_at: stack.clock.now() });
    expect(again?.installed_at.getTime()).toBeGreaterThan(first?.installed_at.getTime() ?? 0);
    expect(await stack.rt.deps.ghl?.listUsers(LOCATION_2_ID)).toHaveLength(3);
  });

  it('INSTALL before the callback records a pending install that the callback completes', async () => {
    const loc = stack.sandbox.addLocation({ name: 'Early Bird' });
    const id = loc.location.id;
    const { delivery } = await stack.sandbox.phone.install({ locationId: id });
    expect(delivery.status).toBe(200);
    await stack.rt.worker.drain();
    // comp_ringback_demo has no company token in Ringback: nothing to mint from yet.
    expect(await installation(id)).toMatchObject({ status: 'installed', access_token_enc: null, name: null });
    await installVia(stack, { locationId: id });
    expect(await installation(id)).toMatchObject({ status: 'installed', user_type: 'Location', name: 'Early Bird' });
    expect((await installation(id))?.access_token_enc).toBeTruthy();
  });

  it('INSTALL after the callback changes nothing', async () => {
    const loc = stack.sandbox.addLocation({ name: 'Late Bird' });
    const id = loc.location.id;
    await installVia(stack, { locationId: id });
    const before = await installation(id);
    await stack.sandbox.phone.install({ locationId: id });
    await stack.rt.worker.drain();
    expect(await installation(id)).toEqual(before);
  });

  it('INSTALL for a location of a company with a token mints the location token at once', async () => {
    const a = stack.sandbox.addLocation({ companyId: 'comp_bulk2', name: 'Agency First' });
    await installVia(stack, { locationId: a.location.id, company: true });
    const b = stack.sandbox.addLocation({ companyId: 'comp_bulk2', name: 'Added Later' });
    await stack.sandbox.phone.install({ locationId: b.location.id });
    await stack.rt.worker.drain();
    expect(await installation(b.location.id)).toMatchObject({
      status: 'installed',
      user_type: 'Company',
      company_id: 'comp_bulk2',
      name: 'Added Later',
    });
    expect(await stack.rt.deps.ghl?.getLocation(b.location.id)).toMatchObject({ name: 'Added Later' });
  });

  it('bulk install: INSTALL webhooks before and after the callback end in the same state', async () => {
    const early = stack.sandbox.addLocation({ companyId: 'comp_order', name: 'Order Early' });
    const late = stack.sandbox.addLocation({ companyId: 'comp_order', name: 'Order Late' });
    await stack.sandbox.phone.install({ locationId: early.location.id });
    await stack.rt.worker.drain();
    expect(await installation(early.location.id)).toMatchObject({ status: 'installed', access_token_enc: null });
    await installVia(stack, { locationId: [early.location.id, late.location.id], company: true });
    await stack.sandbox.phone.install({ locationId: late.location.id });
    await stack.rt.worker.drain();
    for (const l of [early, late]) {
      const row = await installation(l.location.id);
      expect(row).toMatchObject({
        status: 'installed',
        user_type: 'Company',
        company_id: 'comp_order',
        name: l.location.name,
      });
      expect(row?.access_token_enc).toBeTruthy();
      expect(await stack.rt.deps.ghl?.listUsers(l.location.id)).toHaveLength(3);
    }
  });

  it('an agency UNINSTALL ends the company token and the locations it minted, not locations installed on their own', async () => {
    const a = stack.sandbox.addLocation({ companyId: 'comp_leaving', name: 'Leaving A' });
    const own = stack.sandbox.addLocation({ companyId: 'comp_leaving', name: 'Own Install' });
    await installVia(stack, { locationId: own.location.id });
    await installVia(stack, { locationId: a.location.id, company: true });
    const d = await stack.sandbox.deliver({ type: 'UNINSTALL', appId: stack.sandbox.appId, companyId: 'comp_leaving' });
    expect(d.status).toBe(200);
    await stack.rt.worker.drain();
    expect(await findCompany(stack.rt.db.db, 'comp_leaving')).toMatchObject({
      status: 'uninstalled',
      access_token_enc: null,
    });
    expect(await installation(a.location.id)).toMatchObject({ status: 'uninstalled', access_token_enc: null });
    expect(await installation(own.location.id)).toMatchObject({ status: 'installed', user_type: 'Location' });
  });
});
