import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRACKING_NUMBERS } from '../../src/sandbox/seed.js';
import { loadSettings, saveSettings } from '../../src/settings/store.js';
import { seedRun } from '../reporting/seed.js';
import {
  type Agency,
  agencyPayload,
  as,
  companyToken,
  LOCATION_2_ID,
  LOCATION_ID,
  signIn,
  startAgency,
} from './helpers.js';

let agency: Agency;
let token: string;
const DAY = 86_400_000;

beforeAll(async () => {
  agency = await startAgency();
  const db = agency.stack.rt.db.db;
  const now = agency.stack.clock.now().getTime();
  const ago = (ms: number) => new Date(now - ms).toISOString();
  // Bright Smile: 4 runs this week, 3 recovered (1 booked), callbacks within minutes; last week 2 of 4.
  for (let i = 0; i < 4; i++) {
    await seedRun(db, {
      locationId: LOCATION_ID,
      contactId: `c-now-${i}`,
      startedAt: ago((i + 1) * 3_600_000),
      outcome: i < 3 ? 'recovered' : 'lost',
      reason: i === 0 ? 'booked' : 'replied',
      followupAfterSec: 120,
      humanAfterSec: 600,
      // The Facebook line, which the owner values at $150 a lead.
      source: 'Line 1111',
    });
    await seedRun(db, {
      locationId: LOCATION_ID,
      contactId: `c-prev-${i}`,
      startedAt: ago(8 * DAY + i * 3_600_000),
      outcome: i < 2 ? 'recovered' : 'lost',
      reason: 'replied',
      followupAfterSec: 300,
    });
  }
  // Lakeside: 5 runs, 1 recovered, people called back after 3 hours; a carrier blocked texts.
  for (let i = 0; i < 5; i++) {
    await seedRun(db, {
      locationId: LOCATION_2_ID,
      contactId: `l-${i}`,
      startedAt: ago((i + 2) * 3_600_000),
      outcome: i === 0 ? 'recovered' : 'lost',
      reason: 'connected',
      followupAfterSec: 120,
      humanAfterSec: 3 * 3600,
    });
  }
  // A run 20 days ago counts in 30 days only.
  await seedRun(db, { locationId: agency.third, contactId: 'h-old', startedAt: ago(20 * DAY), outcome: 'recovered' });
  // Another agency's sub-account has calls too: they must never show.
  await seedRun(db, { locationId: agency.rival, contactId: 'r-1', startedAt: ago(3_600_000), outcome: 'recovered' });
  const at = new Date(now - DAY);
  await db
    .insertInto('location_warnings')
    .values({ location_id: LOCATION_2_ID, code: '30007', first_at: at, last_at: at, occurrences: 3 })
    .execute();
  // Bright Smile has reps, every number mapped, a booking link that opens, its address and a recent test call:
  // nothing to flag there.
  agency.stack.rt.deps.linkProbe = async (url) =>
    url.includes('brightsmile') ? { state: 'ok', status: 200 } : { state: 'broken', reason: 'the page was not found' };
  await db
    .updateTable('location_profiles')
    .set({ test_call_at: new Date(now - 2 * DAY) })
    .where('location_id', '=', LOCATION_ID)
    .execute();
  // Harbor has no business address in GHL.
  await db
    .updateTable('location_profiles')
    .set({ business_address: null })
    .where('location_id', '=', agency.third)
    .execute();
  const stored = await loadSettings(db, LOCATION_ID);
  if (!stored) throw new Error('no settings');
  await saveSettings(db, {
    locationId: LOCATION_ID,
    expectedVersion: stored.version,
    settings: {
      ...stored.settings,
      routing: { userIds: ['user_rep_ana'], rules: [] },
      bookingLink: 'https://book.brightsmile.example/now',
      sources: Object.values(TRACKING_NUMBERS).map((n) => ({
        trackingNumber: n,
        tag: `Line ${n.slice(-4)}`,
        highValue: false,
        messages: {},
        assignTo: [],
        value: n === TRACKING_NUMBERS.facebook ? 150 : null,
      })),
    },
    user: { userId: 'user_mgr_maya', userName: 'Maya Patel' },
    now: new Date(now),
  });
  token = await companyToken(agency.stack);
});
afterAll(async () => agency?.stack.close());

interface Row {
  rank: number;
  locationId: string;
  name: string;
  missedCalls: number;
  recoveredPct: number | null;
  bookedPct: number | null;
  medianFirstFollowupSeconds: number | null;
  medianFirstHumanContactSeconds: number | null;
  revenueRecovered: number;
  revenueMeasured: boolean;
  previous: { missedCalls: number; recoveredPct: number | null; medianFirstFollowupSeconds: number | null };
  flags: { code: string; message: string; fix: string | null }[];
  behind: boolean;
}

describe('GET /api/portfolio', () => {
  it('ranks every installed sub-account of the company with this week and the week before', async () => {
    const res = await as(agency.stack, token).get('/api/portfolio?days=7');
    expect(res.status).toBe(200);
    const rows = res.body.locations as Row[];
    expect(rows.map((r) => [r.rank, r.locationId])).toEqual([
      [1, LOCATION_ID],
      [2, LOCATION_2_ID],
      [3, agency.third],
    ]);
    const [smile, lake, harbor] = rows;
    expect(smile).toMatchObject({
      name: 'Bright Smile Dental',
      missedCalls: 4,
      recoveredPct: 75,
      bookedPct: 25,
      medianFirstFollowupSeconds: 120,
      medianFirstHumanContactSeconds: 600,
      // Three recovered leads from the Facebook line at $150 each (reporting/revenue.ts).
      revenueRecovered: 450,
      revenueMeasured: true,
      // Recovered last week but worth nothing known: not measured, rather than $0 earned.
      previous: { missedCalls: 4, recoveredPct: 50, medianFirstFollowupSeconds: 300, revenueMeasured: false },
      flags: [],
      behind: false,
    });
    expect(lake).toMatchObject({ missedCalls: 5, recoveredPct: 20, medianFirstHumanContactSeconds: 3 * 3600 });
    // Its setup as its own page's checklist judges it, then its results against the dashboard's figures.
    expect(lake?.flags.map((f) => f.code)).toEqual([
      'numbers',
      'reps',
      'booking-link',
      'a2p',
      'test-call',
      'slow-callbacks',
      'low-recovery',
    ]);
    expect(lake?.behind).toBe(true);
    const lakeFlag = (code: string) => lake?.flags.find((f) => f.code === code);
    expect(lakeFlag('slow-callbacks')?.message).toBe(
      'Half the callers wait more than 3 hours for a person to call back.',
    );
    expect(lakeFlag('reps')).toEqual({
      code: 'reps',
      message: 'No rep is chosen: callback tasks are created for nobody.',
      fix: 'Settings › Routing & escalation',
    });
    expect(lakeFlag('a2p')?.message).toContain(
      'Carriers blocked or filtered 3 texts in the last 30 days (error 30007)',
    );
    expect(lakeFlag('numbers')?.message).toMatch(/^\d+ of \d+ numbers have no source/);
    for (const f of lake?.flags ?? []) expect(f.message).not.toMatch(/loc_|user_|undefined|null/);
    // A new sub-account with no calls yet is flagged for its setup only, its missing address among it.
    expect(harbor?.flags.map((f) => f.code)).toEqual(['numbers', 'reps', 'booking-link', 'email-address', 'test-call']);
    expect(harbor?.flags.find((f) => f.code === 'email-address')?.fix).toContain('Business address');
    expect(harbor).toMatchObject({ missedCalls: 0, recoveredPct: null });
    expect(res.body.totals.current).toMatchObject({ subAccounts: 3, missedCalls: 9, recovered: 4 });
    expect(JSON.stringify(res.body)).not.toContain(agency.rival);
  });

  it('flags each sub-account with the very checks and words of its own page’s setup checklist', async () => {
    const portfolio = await as(agency.stack, token).get('/api/portfolio?days=7');
    const lake = (portfolio.body.locations as Row[]).find((r) => r.locationId === LOCATION_2_ID);
    // Lakeside's owner opens Ringback inside the sub-account: the checklist there says the same.
    const session = await signIn(agency.stack, { payload: agencyPayload({ activeLocation: LOCATION_2_ID }) });
    expect(session.status).toBe(200);
    const page = await as(agency.stack, session.body.token as string).get('/api/setup-check');
    expect(page.status).toBe(200);
    const asked = (page.body.checks as { key: string; state: string; detail: string; fix: string | null }[])
      .filter((c) => c.state === 'todo' || c.state === 'warn')
      .map((c) => ({ code: c.key, message: c.detail, fix: c.fix }));
    expect(asked.length).toBeGreaterThan(3);
    expect(lake?.flags.slice(0, asked.length)).toEqual(asked);
  });

  it('asks GHL for each sub-account’s numbers once per five minutes, however often the page loads', async () => {
    const numbersAsked = () =>
      agency.stack.sandbox.requests.filter((r) => r.method === 'GET' && r.path.includes('phone')).length;
    agency.stack.clock.advance(6 * 60_000);
    const before = numbersAsked();
    expect((await as(agency.stack, token).get('/api/portfolio?days=7')).status).toBe(200);
    const first = numbersAsked() - before;
    expect(first).toBe(3);
    expect((await as(agency.stack, token).get('/api/portfolio?days=30')).status).toBe(200);
    expect((await as(agency.stack, token).get('/api/portfolio?days=7')).status).toBe(200);
    expect(numbersAsked() - before).toBe(first);
  });

  it('never waits on the owners’ booking pages: a link is judged once its probe has answered', async () => {
    const db = agency.stack.rt.db.db;
    const stored = await loadSettings(db, agency.third);
    if (!stored) throw new Error('no settings');
    await saveSettings(db, {
      locationId: agency.third,
      expectedVersion: stored.version,
      settings: { ...stored.settings, bookingLink: 'ftp://harbor.example/book' },
      user: { userId: 'user_mgr_maya', userName: 'Maya Patel' },
      now: agency.stack.clock.now(),
    });
    // Ringback's own probe (reporting/link-probe.ts), not the test's.
    const own = agency.stack.rt.deps.linkProbe;
    agency.stack.rt.deps.linkProbe = undefined;
    try {
      const harbor = async () =>
        ((await as(agency.stack, token).get('/api/portfolio')).body.locations as Row[]).find(
          (r) => r.locationId === agency.third,
        );
      // The first load only starts the probe: the link is not known yet, so it is no reason to flag.
      expect((await harbor())?.flags.map((f) => f.code)).not.toContain('booking-link');
      await expect
        .poll(async () => (await harbor())?.flags.find((f) => f.code === 'booking-link')?.message)
        .toMatch(/^The booking link does not open/);
    } finally {
      agency.stack.rt.deps.linkProbe = own;
    }
  });

  it('over 30 days takes in the older run and compares with the 30 days before', async () => {
    const res = await as(agency.stack, token).get('/api/portfolio?days=30');
    expect(res.status).toBe(200);
    const harbor = (res.body.locations as Row[]).find((r) => r.locationId === agency.third);
    expect(harbor).toMatchObject({ missedCalls: 1, recoveredPct: 100 });
    const smile = (res.body.locations as Row[]).find((r) => r.locationId === LOCATION_ID);
    expect(smile).toMatchObject({ missedCalls: 8, previous: { missedCalls: 0 } });
  });

  it('stops showing a sub-account once Ringback is uninstalled there', async () => {
    await agency.stack.rt.db.db
      .updateTable('installations')
      .set({ status: 'uninstalled' })
      .where('location_id', '=', agency.third)
      .execute();
    const res = await as(agency.stack, token).get('/api/portfolio');
    expect((res.body.locations as Row[]).map((r) => r.locationId)).not.toContain(agency.third);
  });
});
