import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/runtime.js';
import { defaultSettings } from '../../src/core/settings/schema.js';
import { authed, seedInstallation, startApi, tokenFor } from './api-helpers.js';

let rt: Runtime;

beforeAll(async () => {
  ({ rt } = await startApi());
  for (const locationId of ['loc_a', 'loc_b']) await seedInstallation(rt.db.db, { locationId, name: locationId });
});
afterAll(async () => rt?.close());

describe('restore and reset (GET /api/settings/audit/:version, GET /api/settings/defaults)', () => {
  it('answers a saved version of the session’s own location only', async () => {
    const a = authed(rt.app, await tokenFor(rt.app, 'loc_a'));
    const current = await a.get('/api/settings');
    const doc = { ...current.body, bookingLink: 'https://a.example/book' };
    const saved = await a
      .put('/api/settings')
      .set('If-Match', current.headers.etag ?? '')
      .send(doc);
    expect(saved.status).toBe(200);
    const version = Number(JSON.parse(saved.headers.etag ?? '0'));
    const old = await a.get(`/api/settings/audit/${version}`);
    expect(old.status).toBe(200);
    expect(old.body.settings.bookingLink).toBe('https://a.example/book');
    expect(old.body.version).toBe(version);
    // Another location's session cannot read it, and a version that does not exist is a 404.
    const b = authed(rt.app, await tokenFor(rt.app, 'loc_b'));
    expect((await b.get(`/api/settings/audit/${version}`)).status).toBe(404);
    expect((await a.get('/api/settings/audit/999')).status).toBe(404);
    expect((await a.get('/api/settings/audit/x')).body.error.code).toBe('BAD_REQUEST');
  });

  it('answers the defaults of a new install', async () => {
    const a = authed(rt.app, await tokenFor(rt.app, 'loc_a'));
    const res = await a.get('/api/settings/defaults');
    expect(res.status).toBe(200);
    expect(res.body.sequence).toEqual(defaultSettings().sequence);
  });
});

describe('the digest (GET /api/digest/preview, POST /api/digest/test)', () => {
  it('previews the digest with every value escaped', async () => {
    const a = authed(rt.app, await tokenFor(rt.app, 'loc_a'));
    const res = await a.get('/api/digest/preview');
    expect(res.status).toBe(200);
    expect(res.body.subject).toMatch(/^Ringback daily digest \d{4}-\d{2}-\d{2}: 0 missed calls, 0 recovered$/);
    expect(res.body.html).toContain('No missed calls');
  });

  it('sends a test digest for admins only', async () => {
    const rep = authed(rt.app, await tokenFor(rt.app, 'loc_a', { userId: 'user_rep', role: 'user' }));
    const res = await rep.post('/api/digest/test').send({});
    expect(res.status).toBe(403);
  });
});
