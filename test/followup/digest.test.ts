import { afterEach, describe, expect, it } from 'vitest';
import { digestTick } from '../../src/reporting/digest.js';
import { startRingback } from '../helpers/stack.js';
import { onPostgres } from '../helpers/db.js';
import {
  type EngineStack,
  HOUR,
  LOCATION_ID,
  PHONES,
  seedSettings,
  startEngineStack,
  TRACKING_NUMBERS,
} from '../helpers/engine.js';

let s: EngineStack;
const extra: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(extra.splice(0).map((r) => r.close()));
  await s?.close();
});

const settings = seedSettings({
  digest: { enabled: true, at: '08:00', recipients: ['owner@example.com', 'gm@example.com'] },
});

function digestEmails() {
  return s.sandbox.store
    .messages(LOCATION_ID)
    .filter((m) => m.messageType === 'TYPE_EMAIL' && (m.subject ?? '').startsWith('Ringback daily digest'));
}

describe('the daily digest', () => {
  it('goes out once per recipient at 08:00 local with the last day of missed calls, high-value first', async () => {
    s = await startEngineStack({ settings });
    await s.sandbox.phone.placeCall({
      locationId: LOCATION_ID,
      from: PHONES.jane,
      to: TRACKING_NUMBERS.facebook,
      outcome: 'voicemail',
    });
    await s.sandbox.phone.placeCall({
      locationId: LOCATION_ID,
      from: PHONES.marcus,
      to: TRACKING_NUMBERS.google,
      outcome: 'no-answer',
    });
    await s.settle();
    // Jan 5 15:00Z is 10:00 in New York; the digest is due Jan 6 08:00 local = 13:00Z.
    await s.at(22 * HOUR - 60_000);
    expect(await digestTick(s.rt.db.db, s.clock.now())).toBe(0);
    await s.at(22 * HOUR);
    expect(await digestTick(s.rt.db.db, s.clock.now())).toBe(1);
    expect(await digestTick(s.rt.db.db, s.clock.now())).toBe(0);
    await s.settle();
    const emails = digestEmails();
    expect(emails).toHaveLength(2);
    const recipients = emails.map((m) => s.sandbox.store.contact(m.contactId));
    expect(recipients.map((c) => c?.email).sort()).toEqual(['gm@example.com', 'owner@example.com']);
    expect(recipients.every((c) => c?.tags.includes('Ringback Digest'))).toBe(true);
    const html = emails[0]!.body;
    expect(emails[0]!.subject).toBe('Ringback daily digest 2026-01-06: 2 missed calls, 0 recovered');
    expect(html.indexOf('Google Ads Caller')).toBeLessThan(html.indexOf('Facebook Ad Caller'));
    expect(html).toContain('<strong>High value</strong>');
    // Later ticks the same day send nothing more.
    await s.at(23 * HOUR);
    expect(await digestTick(s.rt.db.db, s.clock.now())).toBe(0);
    await s.settle();
    expect(digestEmails()).toHaveLength(2);
  });

  it("keeps an existing recipient contact's tags: looks it up, adds its tag, never upserts or creates it", async () => {
    s = await startEngineStack({ settings });
    const at = s.clock.now().toISOString();
    s.sandbox.store.putContact({
      id: 'con_owner_existing',
      locationId: LOCATION_ID,
      firstName: 'Olga',
      lastName: 'Owner',
      name: 'Olga Owner',
      email: 'owner@example.com',
      phone: null,
      timezone: null,
      state: null,
      city: null,
      tags: ['VIP', 'Patient'],
      dnd: false,
      dndSettings: {},
      source: null,
      assignedTo: null,
      dateAdded: at,
      dateUpdated: at,
    });
    await s.at(22 * HOUR);
    expect(await digestTick(s.rt.db.db, s.clock.now())).toBe(1);
    await s.settle();
    expect(digestEmails()).toHaveLength(2);
    expect(s.sandbox.store.contact('con_owner_existing')?.tags).toEqual(['VIP', 'Patient', 'Ringback Digest']);
    const paths = s.sandbox.requests.map((r) => `${r.method} ${r.path}`);
    expect(paths.filter((p) => p.includes('/contacts/upsert'))).toEqual([]);
    // Only the recipient no contact had was created.
    const created = s.sandbox.requests.filter((r) => r.method === 'POST' && /^\/contacts\/?$/.test(r.path));
    expect(created.map((r) => (r.body as { email?: string }).email)).toEqual(['gm@example.com']);
  });

  it("waits for tomorrow when the owner switches the digest on after today's time", async () => {
    // Settings saved at 10:00 local, inside the 08:00 digest's catch-up window: no digest of an empty day now.
    s = await startEngineStack({ settings });
    expect(await digestTick(s.rt.db.db, s.clock.now())).toBe(0);
    await s.at(22 * HOUR);
    expect(await digestTick(s.rt.db.db, s.clock.now())).toBe(1);
  });

  it.skipIf(!onPostgres)('is sent once with two instances ticking on one Postgres', async () => {
    s = await startEngineStack({ settings });
    const second = await startRingback({ sandbox: s.sandbox, clock: s.clock, databaseUrl: s.databaseUrl });
    extra.push(second.rt);
    await s.sandbox.phone.placeCall({
      locationId: LOCATION_ID,
      from: PHONES.jane,
      to: TRACKING_NUMBERS.facebook,
      outcome: 'voicemail',
    });
    await s.settle();
    s.clock.set(s.t0.getTime() + 22 * HOUR);
    const started = await Promise.all([
      digestTick(s.rt.db.db, s.clock.now()),
      digestTick(second.rt.db.db, s.clock.now()),
    ]);
    expect(started.sort()).toEqual([0, 1]);
    await Promise.all([s.rt.worker.drain(), second.rt.worker.drain()]);
    expect(digestEmails()).toHaveLength(2);
  });
});
