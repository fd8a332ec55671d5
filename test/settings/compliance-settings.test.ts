/**
 * The settings side of issue 14: PUT refuses a window wider than the law's (point 4); step purposes and the
 * consent tag round-trip, and older documents without them still load and save (point 7); the dry run shows
 * a consent skip and a deferral in the owner's words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/runtime.js';
import { defaultSettings } from '../../src/core/settings/schema.js';
import { authed, seedInstallation, startApi, tokenFor } from './api-helpers.js';

let rt: Runtime;
let api: ReturnType<typeof authed>;

beforeAll(async () => {
  ({ rt } = await startApi());
  await seedInstallation(rt.db.db, { locationId: 'loc_c', name: 'Bright Smile Dental', timezone: 'America/New_York' });
  api = authed(rt.app, await tokenFor(rt.app, 'loc_c'));
});
afterAll(async () => rt?.close());

async function put(doc: object) {
  const current = await api.get('/api/settings');
  return api
    .put('/api/settings')
    .set('If-Match', current.headers.etag ?? '')
    .send(doc);
}

describe('PUT /api/settings and the law', () => {
  it('refuses 07:00-22:00 with a cap of 10, each problem at its field, and saves nothing', async () => {
    const before = (await api.get('/api/settings')).headers.etag;
    const doc = { ...defaultSettings(), sendWindow: { start: '07:00', end: '22:00', maxTouchesPer24h: 10 } };
    const res = await put(doc);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.details).toEqual([
      { path: 'sendWindow.start', message: expect.stringContaining('federal law (TCPA, 47 CFR 64.1200(c)(1))') },
      { path: 'sendWindow.end', message: expect.stringContaining('must be 21:00 or earlier') },
    ]);
    expect((await api.get('/api/settings')).headers.etag).toBe(before);
  });

  it('accepts a narrower window and a cap of 10 (the FL/OK/MD cap of 3 applies whatever is saved)', async () => {
    const res = await put({ ...defaultSettings(), sendWindow: { start: '09:00', end: '20:00', maxTouchesPer24h: 10 } });
    expect(res.status).toBe(200);
  });

  it('keeps step purposes and the consent tag, and takes a document written before they existed', async () => {
    const doc = defaultSettings();
    expect(doc.sequence.map((s) => s.purpose)).toEqual([
      'informational',
      'informational',
      'informational',
      'marketing',
    ]);
    expect((await put({ ...doc, consent: { tag: 'Texts OK' } })).status).toBe(200);
    expect((await api.get('/api/settings')).body.consent).toEqual({ tag: 'Texts OK' });
    const { consent: _omitted, ...older } = doc;
    const res = await put({ ...older, sequence: older.sequence.map(({ purpose: _p, ...step }) => step) });
    expect(res.status).toBe(200);
    const saved = (await api.get('/api/settings')).body;
    expect(saved.consent).toEqual({ tag: 'SMS Consent' });
    expect(saved.sequence.map((s: { purpose: string }) => s.purpose)).toEqual([
      'informational',
      'informational',
      'informational',
      'informational',
    ]);
  });

  it('refuses a purpose that is neither, and an empty consent tag', async () => {
    const doc = defaultSettings();
    const res = await put({ ...doc, consent: { tag: ' ' }, sequence: [{ ...doc.sequence[0], purpose: 'promo' }] });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'consent.tag',
      'sequence[0].purpose',
    ]);
  });
});

describe('the dry run', () => {
  it('shows the marketing last SMS skipped for a Florida contact without the consent tag, and sent with it', async () => {
    expect((await put(defaultSettings({ bookingLink: 'https://example.com/book' }))).status).toBe(200);
    const call = (tags: string[]) =>
      api.post('/api/test-call').send({ contact: { phone: '+13055550142', tags }, atLocal: '2026-01-05T10:00' });
    const without = (await call([])).body.steps[3];
    expect(without).toMatchObject({ id: 'final-sms', outcome: 'skip', sendAt: null });
    expect(without.guards).toEqual([
      {
        kind: 'no-consent',
        message:
          'Text not sent: it is marketing, which needs written consent under Florida law (caller\'s area code 305), and the contact has no "SMS Consent" tag.',
      },
    ]);
    expect((await call(['SMS Consent'])).body.steps[3]).toMatchObject({
      outcome: 'send',
      sendAt: { local: '2026-01-06 10:00' },
    });
  });

  it('shows a split area code deferral with both zones and the rule that held it', async () => {
    const res = await api
      .post('/api/test-call')
      .send({ contact: { phone: '+18505550111' }, at: '2026-01-05T12:58:00Z' });
    expect(res.body.recipient.zones).toEqual([
      { timeZone: 'America/New_York', why: "caller's area code 850" },
      { timeZone: 'America/Chicago', why: "caller's area code 850" },
    ]);
    expect(res.body.steps[0].guards).toEqual([
      expect.objectContaining({
        kind: 'outside-send-window',
        message: "Text waits until Mon 8:00 AM CST: Florida law, caller's area code 850.",
      }),
    ]);
    expect(res.body.steps[0].sendAt.utc).toBe('2026-01-05T14:00:00.000Z');
  });
});
