import { daytimeZone } from '../../src/cli/bench/fixture.js';
import { type Clock, systemClock } from '../../src/clock.js';
import { createDb, type Db } from '../../src/db/create-db.js';
import { createSandbox, type LocationSeed, type Sandbox } from '../../src/sandbox/index.js';
import type { Contact } from '../../src/sandbox/model.js';
import { contactRecord } from '../../src/sandbox/seed.js';
import { defaultSettings, type Settings, settingsSchema } from '../../src/core/settings/schema.js';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_SHARED_SECRET } from '../helpers/config.js';

/**
 * The sandbox on the system clock, as the child processes are: every `dateAdded` and due time is real time. It
 * redelivers a 429 as GHL does, about 10 minutes later, unless told otherwise.
 */
export async function startRealTimeSandbox(
  opts: { clock?: Clock; redeliveryDelayMs?: number; redeliveryJitterMs?: number } = {},
): Promise<Sandbox> {
  return createSandbox({
    clock: opts.clock ?? systemClock,
    clientId: TEST_CLIENT_ID,
    clientSecret: TEST_CLIENT_SECRET,
    sharedSecret: TEST_SHARED_SECRET,
    ...(opts.redeliveryDelayMs === undefined ? {} : { redeliveryDelayMs: opts.redeliveryDelayMs }),
    ...(opts.redeliveryJitterMs === undefined ? {} : { redeliveryJitterMs: opts.redeliveryJitterMs }),
  });
}

/** The test's own connection to the children's database, to write settings and audit the rows. */
export function openDb(databaseUrl: string): Promise<Db> {
  return createDb({ databaseUrl, dataDir: '', poolSize: 3 });
}

/** The browser's install journey through a running Ringback: /oauth/install, chooselocation, the callback. */
export async function installThrough(appUrl: string, locationId: string): Promise<void> {
  const start = await fetch(`${appUrl}/oauth/install`, { redirect: 'manual' });
  const authorize = new URL(start.headers.get('location') ?? '');
  authorize.searchParams.set('locationId', locationId);
  const chosen = await fetch(authorize, { redirect: 'manual' });
  const callback = chosen.headers.get('location');
  if (chosen.status !== 302 || !callback) throw new Error(`chooselocation answered ${chosen.status}`);
  const res = await fetch(callback, { redirect: 'manual' });
  if (res.status !== 200) throw new Error(`install of ${locationId} answered ${res.status}: ${await res.text()}`);
}

export const rep1 = (l: LocationSeed) => `${l.location.id}_rep_1`;
export const rep2 = (l: LocationSeed) => `${l.location.id}_rep_2`;
export const adsLine = (l: LocationSeed) => l.numbers[0]!.phoneNumber;

/**
 * A sequence short enough for real time: a text at once, the callback task at +2 s, an email at +4 s. The callers'
 * zone is one where it is daytime, so a run at night is not deferred to the morning; round-robin over the two reps.
 */
export function fastSettings(l: LocationSeed, overrides: Partial<Settings> = {}): Settings {
  const settings: Settings = {
    ...defaultSettings({ bookingLink: 'https://book.example.com/reliability' }),
    sequence: [
      {
        id: 'apology-sms',
        after: 'PT0S',
        action: 'sms',
        purpose: 'informational',
        message: 'Sorry we missed your call! Book a time: {{bookingLink}}',
      },
      {
        id: 'callback-task',
        after: 'PT2S',
        action: 'task',
        purpose: 'informational',
        title: 'Call back ({{source}})',
        dueIn: 'PT0M',
      },
      {
        id: 'resources-email',
        after: 'PT4S',
        action: 'email',
        purpose: 'informational',
        subject: 'Sorry we missed you',
        html: '<p>We will call you back.</p>',
      },
    ],
    sources: [{ trackingNumber: adsLine(l), tag: 'Ads Caller', highValue: false, messages: {}, assignTo: [] }],
    routing: { userIds: [rep1(l), rep2(l)], rules: [] },
    escalation: { afterMissedConnections: 3, withinDays: 7, managerUserId: `${l.location.id}_mgr` },
    // Every text obeys 08:00-21:00 in the recipient's zone; a daytime zone keeps a night run from waiting.
    timezone: daytimeZone(new Date()),
    ...overrides,
  };
  // A document that does not parse would silently fall back to the defaults (a 2-minute sequence): refuse it here.
  return settingsSchema.parse(settings);
}

export async function writeSettings(db: Db, locationId: string, settings: Settings): Promise<void> {
  const now = new Date();
  const json = JSON.stringify(settings);
  await db.db
    .insertInto('location_settings')
    .values({ location_id: locationId, settings: json, version: 1, updated_at: now })
    .onConflict((oc) => oc.column('location_id').doUpdateSet({ settings: json, updated_at: now }))
    .execute();
}

/** `n` new locations in the sandbox, each installed through `appUrl` and given `settingsOf(location)`. */
export async function installLocations(
  sandbox: Sandbox,
  db: Db,
  appUrl: string,
  n: number,
  settingsOf: (l: LocationSeed) => Settings = (l) => fastSettings(l),
): Promise<LocationSeed[]> {
  const locations: LocationSeed[] = [];
  for (let i = 0; i < n; i++) {
    const l = sandbox.addLocation({ name: `Reliability Business ${i + 1}` });
    await installThrough(appUrl, l.location.id);
    await writeSettings(db, l.location.id, settingsOf(l));
    locations.push(l);
  }
  return locations;
}

/**
 * A caller number unique to (location index, call index): every call is a new lead, in Toronto (416): no US zone
 * or state, so the `timezone` setting of fastSettings places them where it is daytime now.
 */
export function callerPhone(locationIndex: number, callIndex: number): string {
  return `+1416${String(locationIndex).padStart(2, '0')}${String(callIndex).padStart(5, '0')}`;
}

/** The caller as a known lead (name and email) before the call, so the email step is sent, not skipped (no-email). */
export function addLead(sandbox: Sandbox, locationId: string, phone: string): Contact {
  const at = new Date().toISOString();
  const id = `con_rel_${phone.slice(1)}`;
  const contact = contactRecord(locationId, at, {
    id,
    firstName: 'Lead',
    lastName: phone.slice(-5),
    email: `lead${phone.slice(1)}@example.com`,
    phone,
  });
  sandbox.store.putContact(contact);
  return contact;
}

/** The same seeded PRNG as the fuzz tests: a failing run can be told apart from its timing by its seed. */
export { seededRandom } from '../hostile/fuzz-cases.js';

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
