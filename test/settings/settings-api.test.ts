import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManualClock } from '../../src/clock.js';
import type { Runtime } from '../../src/runtime.js';
import { defaultSettings } from '../../src/core/settings/schema.js';
import { createDefaultSettings, loadSettings } from '../../src/settings/store.js';
import { authed, seedInstallation, startApi, tokenFor } from './api-helpers.js';

let rt: Runtime;
let clock: ManualClock;
let a: ReturnType<typeof authed>;
let b: ReturnType<typeof authed>;

beforeAll(async () => {
  ({ rt, clock } = await startApi());
  await seedInstallation(rt.db.db, { locationId: 'loc_a' });
  await seedInstallation(rt.db.db, { locationId: 'loc_b' });
  a = authed(rt.app, await tokenFor(rt.app, 'loc_a', { userId: 'user_ann', userName: 'Ann Admin' }));
  b = authed(rt.app, await tokenFor(rt.app, 'loc_b', { userId: 'user_bob', userName: 'Bob Boss' }));
});
afterAll(async () => rt?.close());

/** The document and its version as a client reads them: the body, and the ETag. */
async function readSettings(client: ReturnType<typeof authed>) {
  const res = await client.get('/api/settings');
  return {
    settings: res.body,
    version: Number(String(res.headers.etag).replaceAll('"', '')),
    etag: String(res.headers.etag),
  };
}

describe('GET /api/settings', () => {
  it('creates the defaults on first read and answers the document itself, its version as ETag, its change as Last-Modified', async () => {
    const res = await a.get('/api/settings');
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe('"1"');
    expect(res.headers['last-modified']).toBe(clock.now().toUTCString());
    // No GHL access for this location: no calendar, so no booking link (the page warns).
    expect(res.body).toEqual(defaultSettings({ bookingLink: '' }));
    expect((await readSettings(a)).version).toBe(1);
  });

  it('round-trips: a client that GETs, edits one field and PUTs the body back with the ETag saves it', async () => {
    const got = await a.get('/api/settings');
    const edited = { ...got.body, bookingLink: 'https://example.com/round-trip' };
    clock.advance(1_000);
    const put = await a
      .put('/api/settings')
      .set('If-Match', got.headers.etag ?? '')
      .send(edited);
    expect(put.status).toBe(200);
    expect(put.body).toEqual(edited);
    expect(put.headers['last-modified']).toBe(clock.now().toUTCString());
    const again = await a.get('/api/settings');
    expect(again.body).toEqual(edited);
    expect(again.headers.etag).toBe(put.headers.etag);
    expect(again.headers.etag).not.toBe(got.headers.etag);
  });
});

describe('PUT /api/settings', () => {
  it('needs If-Match: 428 PRECONDITION_REQUIRED without it, and nothing changes', async () => {
    const current = await readSettings(a);
    const res = await a.put('/api/settings').send({ ...current.settings, enabled: false });
    expect(res.status).toBe(428);
    expect(res.body.error.code).toBe('PRECONDITION_REQUIRED');
    expect((await readSettings(a)).settings.enabled).toBe(true);
  });

  it('rejects a malformed If-Match with 400', async () => {
    const current = await readSettings(a);
    const res = await a.put('/api/settings').set('If-Match', 'abc').send(current.settings);
    expect(res.status).toBe(400);
  });

  it('saves with the current version (quoted or bare), bumps it and audits who, when, before and after', async () => {
    const before = await readSettings(a);
    const changed = { ...before.settings, enabled: false, bookingLink: 'https://example.com/book' };
    clock.advance(60_000);
    const res = await a.put('/api/settings').set('If-Match', `"${before.version}"`).send(changed);
    expect(res.status).toBe(200);
    expect(res.headers.etag).toBe(`"${before.version + 1}"`);
    expect(res.body).toEqual(changed);
    const again = await a
      .put('/api/settings')
      .set('If-Match', String(before.version + 1))
      .send({ ...changed, enabled: true });
    expect(again.status).toBe(200);
    expect(again.headers.etag).toBe(`"${before.version + 2}"`);

    const audit = await rt.db.db
      .selectFrom('settings_audit')
      .selectAll()
      .where('location_id', '=', 'loc_a')
      .where('version', '>', before.version)
      .orderBy('version')
      .execute();
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({
      version: before.version + 1,
      changed_by: 'user_ann',
      changed_by_name: 'Ann Admin',
    });
    expect(audit[0]?.changed_at.toISOString()).toBe(clock.now().toISOString());
    expect(audit[0]?.before).toEqual(before.settings);
    expect(audit[0]?.after).toEqual(changed);
    expect(audit[1]?.before).toEqual(changed);

    const listed = await a.get('/api/settings/audit');
    expect(listed.status).toBe(200);
    expect(listed.body.entries[0]).toMatchObject({
      version: before.version + 2,
      changedByName: 'Ann Admin',
      changed: ['enabled'],
    });
    expect(listed.body.entries[1].changed.sort()).toEqual(['bookingLink', 'enabled']);
  });

  it('answers 409 VERSION_CONFLICT to a stale write and keeps the newer document', async () => {
    const current = await readSettings(a);
    const first = await a
      .put('/api/settings')
      .set('If-Match', `"${current.version}"`)
      .send({ ...current.settings, timezone: 'America/Chicago' });
    expect(first.status).toBe(200);
    const stale = await a
      .put('/api/settings')
      .set('If-Match', `"${current.version}"`)
      .send({ ...current.settings, timezone: 'America/Denver' });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('VERSION_CONFLICT');
    const now = await readSettings(a);
    expect(now.settings.timezone).toBe('America/Chicago');
    expect(now.version).toBe(current.version + 1);
  });

  it('answers 400 VALIDATION_FAILED with every problem and saves nothing', async () => {
    const current = await readSettings(a);
    const bad = {
      ...current.settings,
      bookingLink: 'nope',
      sendWindow: { start: '21:00', end: '08:00', maxTouchesPer24h: 3 },
    };
    const res = await a.put('/api/settings').set('If-Match', `"${current.version}"`).send(bad);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'bookingLink',
      'sendWindow.end',
    ]);
    expect((await readSettings(a)).version).toBe(current.version);
  });

  it('lets exactly one of two concurrent writes of the same version win', async () => {
    const current = await readSettings(a);
    const write = (zone: string) =>
      a
        .put('/api/settings')
        .set('If-Match', `"${current.version}"`)
        .send({ ...current.settings, timezone: zone })
        .then((r) => r.status);
    const statuses = await Promise.all([write('America/Denver'), write('America/Phoenix')]);
    expect(statuses.sort()).toEqual([200, 409]);
    const audit = await rt.db.db
      .selectFrom('settings_audit')
      .select('version')
      .where('location_id', '=', 'loc_a')
      .where('version', '=', current.version + 1)
      .execute();
    expect(audit).toHaveLength(1);
  });
});

describe('tenant isolation', () => {
  it('a token of location A never reads or changes B, whatever the path, query or body names', async () => {
    const bBefore = await readSettings(b);
    const aNow = await readSettings(a);
    expect(aNow.settings).not.toEqual(bBefore.settings);

    const byQuery = await a.get('/api/settings?locationId=loc_b');
    expect(byQuery.status).toBe(403);
    const byPath = await a.get('/api/locations/loc_b/settings');
    expect(byPath.status).toBe(404);
    const bySubPath = await a.get('/api/settings/loc_b');
    expect(bySubPath.status).toBe(404);
    const byBody = await a
      .put('/api/settings')
      .set('If-Match', `"${bBefore.version}"`)
      .send({ ...bBefore.settings, locationId: 'loc_b' });
    expect(byBody.status).toBe(403);
    for (const path of [
      '/api/calls?locationId=loc_b',
      '/api/stats?locationId=loc_b',
      '/api/lookups?locationId=loc_b',
      '/api/settings/audit?locationId=loc_b',
    ]) {
      expect((await a.get(path)).status).toBe(403);
    }
    // A's own id in the query is harmless.
    expect((await a.get('/api/settings?locationId=loc_a')).status).toBe(200);
    const writeA = await a
      .put('/api/settings')
      .set('If-Match', `"${aNow.version}"`)
      .send({ ...aNow.settings, enabled: false });
    expect(writeA.status).toBe(200);
    expect(await readSettings(b)).toEqual(bBefore);
    expect((await b.get('/api/settings/audit')).body.entries).toEqual([]);
  });
});

describe('createDefaultSettings (install hook)', () => {
  it('creates the defaults with the first active calendar’s booking link, once: a reinstall keeps the owner’s settings', async () => {
    const calendars = [
      { id: 'cal_off', name: 'Old', isActive: false },
      { id: 'cal_on', name: 'Consult', isActive: true },
    ];
    const created = await rt.db.db
      .transaction()
      .execute((trx) => createDefaultSettings(trx, 'loc_new', { calendars, now: clock.now() }));
    expect(created).toBe(true);
    const stored = await loadSettings(rt.db.db, 'loc_new');
    expect(stored?.settings.bookingLink).toBe('https://api.leadconnectorhq.com/widget/booking/cal_on');
    expect(stored?.version).toBe(1);
    const again = await rt.db.db
      .transaction()
      .execute((trx) => createDefaultSettings(trx, 'loc_new', { calendars: [] }));
    expect(again).toBe(false);
    expect((await loadSettings(rt.db.db, 'loc_new'))?.settings.bookingLink).toBe(
      'https://api.leadconnectorhq.com/widget/booking/cal_on',
    );
  });
});
