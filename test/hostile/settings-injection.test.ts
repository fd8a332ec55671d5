import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/runtime.js';
import { defaultSettings, type Settings } from '../../src/core/settings/schema.js';
import { authed, ghlUser, seedInstallation, startApi, tokenFor } from '../settings/api-helpers.js';

const SQLI = "'; drop table location_settings; --";
const XSS = '<img src=x onerror=alert(1)></p><script>alert(document.cookie)</script>';
const BOTH = `${SQLI} ${XSS} "quoted" \\ back\\slash`;
// Tags are at most 100 characters.
const SHORT = `${SQLI} <img src=x onerror=alert(1)>`;

let rt: Runtime;
let api: ReturnType<typeof authed>;

beforeAll(async () => {
  ({ rt } = await startApi());
  await seedInstallation(rt.db.db, { locationId: 'loc_x', name: `Bright ${XSS}` });
  // The rep the routing rule names is a user of the sub-account in GHL.
  ghlUser('loc_x', { userId: 'user_ana', role: 'user', userName: 'Ana Lopez' });
  api = authed(rt.app, await tokenFor(rt.app, 'loc_x'));
});
afterAll(async () => rt?.close());

/** Every free-text field of the settings document carries SQL and HTML meant to break out. */
function hostileSettings(): Settings {
  const s = defaultSettings({ bookingLink: "https://example.com/book?x=';drop%20table%20runs;--" });
  s.sequence = [
    {
      id: 'apology-sms',
      after: 'PT2M',
      action: 'sms',
      purpose: 'informational',
      message: `Hi {{contact.firstName}} ${BOTH}`,
    },
    {
      id: 'callback-task',
      after: 'PT15M',
      action: 'task',
      purpose: 'informational',
      title: `Call {{contact.name}} ${BOTH}`,
      dueIn: 'PT0M',
    },
    {
      id: 'resources-email',
      after: 'PT2H',
      action: 'email',
      purpose: 'informational',
      subject: `Sorry ${BOTH}`,
      html: `<p>Hi {{contact.firstName}}</p><p>${SQLI}</p>`,
    },
  ];
  s.sources = [
    {
      trackingNumber: '+15550001111',
      tag: `FB ${SHORT}`,
      highValue: false,
      messages: { 'apology-sms': `Yo ${BOTH}` },
      assignTo: [],
    },
  ];
  s.routing = { userIds: [], rules: [{ ifTag: SHORT, userIds: ['user_ana'] }] };
  return s;
}

describe('hostile text in the settings', () => {
  it('is stored as text and given back byte for byte; the tables it names are untouched', async () => {
    const current = await api.get('/api/settings');
    const doc = hostileSettings();
    const put = await api
      .put('/api/settings')
      .set('If-Match', current.headers.etag ?? '')
      .send(doc);
    expect(put.status).toBe(200);
    const got = await api.get('/api/settings');
    expect(got.body).toEqual(doc);
    const tables = await sql<{ n: number }>`select count(*)::int as n from information_schema.tables
      where table_name in ('location_settings', 'runs', 'settings_audit')`.execute(rt.db.db);
    expect(tables.rows[0]?.n).toBe(3);
    const audit = await rt.db.db
      .selectFrom('settings_audit')
      .select('after')
      .where('location_id', '=', 'loc_x')
      .execute();
    expect(audit.at(-1)?.after).toEqual(doc);
  });

  it('renders a caller-supplied name escaped in emails and as plain text in texts', async () => {
    const res = await api.post('/api/test-call').send({
      contact: { firstName: XSS, lastName: SQLI, phone: '+12125550187' },
      trackingNumber: '+15550001111',
      at: '2026-01-05T15:00:00Z',
    });
    expect(res.status).toBe(200);
    const email = res.body.steps.find((s: { action: string }) => s.action === 'email').rendered;
    expect(email.html).not.toContain('<img src=x');
    expect(email.html).not.toContain('<script>alert(document.cookie)');
    expect(email.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    const sms = res.body.steps.find((s: { action: string }) => s.action === 'sms').rendered;
    expect(sms.message).toContain(`Yo ${BOTH}`);
  });

  it('never puts stored text into the page itself: the page is static and its scripts use textContent', async () => {
    const page = await api.get('/app');
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('onerror=alert');
    expect(page.text).not.toContain('drop table');
  });
});
