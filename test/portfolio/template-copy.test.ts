import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Settings } from '../../src/core/settings/schema.js';
import { listAudit, loadSettings, saveSettings } from '../../src/settings/store.js';
import {
  AGENCY_USERS,
  type Agency,
  as,
  COMPANY_ID,
  companyToken,
  LOCATION_2_ID,
  LOCATION_ID,
  startAgency,
} from './helpers.js';

let agency: Agency;
let token: string;

beforeAll(async () => {
  agency = await startAgency();
  token = await companyToken(agency.stack);
});
afterAll(async () => agency?.stack.close());

const settingsOf = async (id: string) => {
  const stored = await loadSettings(agency.stack.rt.db.db, id);
  if (!stored) throw new Error(`no settings for ${id}`);
  return stored;
};

async function saveTemplate(change: (s: Settings) => Settings) {
  const api = as(agency.stack, token);
  const got = await api.get('/api/portfolio/template');
  expect(got.status).toBe(200);
  return api
    .put('/api/portfolio/template')
    .set('If-Match', got.headers['etag'] ?? '')
    .send(change(got.body.settings));
}

describe('the agency template', () => {
  it('is saved by an agency admin without anything local, under a version check', async () => {
    const res = await saveTemplate((s) => ({
      ...s,
      sendWindow: { ...s.sendWindow, start: '09:30' },
      bookingLink: 'https://agency.example/book',
      // Local to a sub-account: dropped from the template.
      routing: { userIds: ['user_rep_ana'], rules: [] },
      digest: { ...s.digest, enabled: true, recipients: ['owner@brightsmile.example'] },
    }));
    expect(res.status).toBe(200);
    expect(res.body.version).toBe(1);
    expect(res.body.settings).toMatchObject({
      sendWindow: { start: '09:30' },
      routing: { userIds: [] },
      digest: { enabled: true, recipients: [] },
    });
    const stale = await as(agency.stack, token)
      .put('/api/portfolio/template')
      .set('If-Match', '"0"')
      .send(res.body.settings);
    expect(stale.status).toBe(409);
    const bad = await as(agency.stack, token)
      .put('/api/portfolio/template')
      .set('If-Match', '"1"')
      .send({ ...res.body.settings, sendWindow: { start: '25:00', end: '21:00', maxTouchesPer24h: 3 } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });

  it('is where a sub-account added later starts (a future-location install), shared booking link included', async () => {
    const added = agency.stack.sandbox.addLocation({ companyId: COMPANY_ID, name: 'Seaside Spa' });
    const id = added.location.id;
    const { delivery } = await agency.stack.sandbox.phone.install({ locationId: id, futureLocation: true });
    expect(delivery.status).toBe(200);
    await agency.stack.rt.worker.drain();
    const stored = await settingsOf(id);
    expect(stored.settings.sendWindow.start).toBe('09:30');
    expect(stored.settings.digest.enabled).toBe(true);
    expect(stored.settings.bookingLink).toBe('https://agency.example/book');
    const [entry] = await listAudit(agency.stack.rt.db.db, id, 5);
    expect(entry).toMatchObject({ version: 1, via: 'agency template', changedByName: 'Alex Morgan' });
  });
});

describe('POST /api/portfolio/copy', () => {
  it('copies the template to chosen sub-accounts, keeping their numbers, reps and time zone, audited per sub-account', async () => {
    const db = agency.stack.rt.db.db;
    const before = await settingsOf(LOCATION_ID);
    const local: Settings = {
      ...before.settings,
      timezone: 'America/New_York',
      sources: [
        { trackingNumber: '+15550001111', tag: 'Facebook Ad Caller', highValue: true, messages: {}, assignTo: [] },
      ],
      routing: { userIds: ['user_rep_ana', 'user_rep_ben'], rules: [] },
      escalation: { ...before.settings.escalation, managerUserId: 'user_mgr_maya' },
    };
    await saveSettings(db, {
      locationId: LOCATION_ID,
      expectedVersion: before.version,
      settings: local,
      user: { userId: 'user_mgr_maya', userName: 'Maya Patel' },
      now: agency.stack.clock.now(),
    });
    const untouched = await settingsOf(LOCATION_2_ID);

    const res = await as(agency.stack, token)
      .post('/api/portfolio/copy')
      .send({ locationIds: [LOCATION_ID] });
    expect(res.status).toBe(200);
    expect(res.body.results).toMatchObject([
      { locationId: LOCATION_ID, status: 'copied', version: before.version + 2 },
    ]);
    const after = await settingsOf(LOCATION_ID);
    expect(after.settings.sendWindow.start).toBe('09:30');
    expect(after.settings).toMatchObject({
      timezone: 'America/New_York',
      sources: local.sources,
      routing: local.routing,
      escalation: { managerUserId: 'user_mgr_maya' },
    });
    const [entry] = await listAudit(db, LOCATION_ID, 1);
    expect(entry).toMatchObject({
      changedBy: AGENCY_USERS.owner,
      changedByName: 'Alex Morgan',
      via: 'agency template',
    });
    // Not chosen: not written.
    expect((await settingsOf(LOCATION_2_ID)).version).toBe(untouched.version);

    // The same copy again changes nothing and adds no audit entry.
    const again = await as(agency.stack, token)
      .post('/api/portfolio/copy')
      .send({ locationIds: [LOCATION_ID] });
    expect(again.body.results[0].status).toBe('unchanged');
  });

  it('copies one sub-account’s settings to another, saying where they came from', async () => {
    const res = await as(agency.stack, token)
      .post('/api/portfolio/copy')
      .send({ fromLocationId: LOCATION_ID, locationIds: [LOCATION_2_ID] });
    expect(res.status).toBe(200);
    expect(res.body.results[0]).toMatchObject({ status: 'copied' });
    const lake = await settingsOf(LOCATION_2_ID);
    expect(lake.settings.sendWindow.start).toBe('09:30');
    expect(lake.settings.sources).toEqual([]);
    const [entry] = await listAudit(agency.stack.rt.db.db, LOCATION_2_ID, 1);
    expect(entry?.via).toBe('copied from Bright Smile Dental');
  });

  it('refuses, writing nothing, when a sub-account of another agency is among those chosen', async () => {
    const rivalBefore = await settingsOf(agency.rival);
    const mineBefore = await settingsOf(agency.third);
    const res = await as(agency.stack, token)
      .post('/api/portfolio/copy')
      .send({ locationIds: [agency.third, agency.rival] });
    expect(res.status).toBe(403);
    expect((await settingsOf(agency.rival)).version).toBe(rivalBefore.version);
    expect((await settingsOf(agency.third)).version).toBe(mineBefore.version);
    const from = await as(agency.stack, token)
      .post('/api/portfolio/copy')
      .send({ fromLocationId: agency.rival, locationIds: [agency.third] });
    expect(from.status).toBe(403);
    expect((await as(agency.stack, token).post('/api/portfolio/copy').send({ locationIds: [] })).status).toBe(400);
  });
});
