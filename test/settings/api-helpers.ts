/** Shared by the settings and reporting API tests: one runtime per test file, installs seeded as rows. */
import type { App } from '../../src/app.js';
import type { Kysely } from 'kysely';
import request from 'supertest';
import { ManualClock } from '../../src/clock.js';
import type { Database } from '../../src/db/database.js';
import { encryptToken } from '../../src/ghl/crypto.js';
import { type Runtime, startRuntime } from '../../src/runtime.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { locationRecord } from '../../src/sandbox/seed.js';
import { encryptSso } from '../../src/sandbox/sso.js';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_SHARED_SECRET, testConfig } from '../helpers/config.js';
import { freshPostgresUrl, onPostgres, pgliteTemplate } from '../helpers/db.js';
import { silentLogger } from '../helpers/logger.js';

export const START = '2026-01-05T15:00:00Z';

/**
 * The GHL these tests talk to: sign-ins are confirmed through its users API, so each seeded install is a
 * location there too, with a token, and `tokenFor` arranges the user it signs in as. One per test file.
 */
let ghl: { sandbox: Sandbox; key: Buffer } | null = null;

export async function startApi(
  env: Record<string, string> = {},
): Promise<{ rt: Runtime; clock: ManualClock; sandbox: Sandbox }> {
  const clock = new ManualClock(START);
  const sandbox = await createSandbox({
    clock,
    clientId: TEST_CLIENT_ID,
    clientSecret: TEST_CLIENT_SECRET,
    sharedSecret: TEST_SHARED_SECRET,
  });
  const config = testConfig({
    GHL_API_BASE_URL: sandbox.url,
    ...env,
    ...(onPostgres ? { DATABASE_URL: await freshPostgresUrl() } : {}),
  });
  const rt = await startRuntime({
    config,
    clock,
    logger: silentLogger,
    pgliteTemplate: onPostgres ? undefined : await pgliteTemplate(),
    ghlOptions: { timeoutMs: 2_000, backoffMs: 5, retryBudgetMs: 3_000, maxAttempts: 3 },
  });
  ghl = { sandbox, key: config.tokenEncryptionKey };
  const close = rt.close.bind(rt);
  rt.close = async () => {
    await close();
    await sandbox.close();
  };
  return { rt, clock, sandbox };
}

export interface InstallRow {
  locationId: string;
  companyId?: string;
  name?: string;
  timezone?: string;
  status?: 'installed' | 'uninstalled' | 'revoked';
  /** The postal address GHL has for the location (location_profiles); null for none. */
  businessAddress?: string | null;
}

export async function seedInstallation(db: Kysely<Database>, row: InstallRow, now = new Date(START)): Promise<void> {
  const companyId = row.companyId ?? 'comp_test';
  let tokens = {};
  if (ghl && !ghl.sandbox.store.location(row.locationId)) {
    const name = row.name ?? `Location ${row.locationId}`;
    ghl.sandbox.store.addLocation({
      location: locationRecord(row.locationId, name, row.timezone ?? 'America/New_York', companyId),
      users: [],
      numbers: [],
      calendars: [],
      contacts: [],
    });
    const issued = ghl.sandbox.issueTokens({ locationId: row.locationId });
    tokens = {
      access_token_enc: encryptToken(ghl.key, issued.access_token, row.locationId),
      refresh_token_enc: encryptToken(ghl.key, issued.refresh_token, row.locationId),
      expires_at: new Date(now.getTime() + issued.expires_in * 1000),
    };
  }
  await db
    .insertInto('installations')
    .values({
      ...tokens,
      location_id: row.locationId,
      company_id: companyId,
      status: row.status ?? 'installed',
      name: row.name ?? `Location ${row.locationId}`,
      timezone: row.timezone ?? 'America/New_York',
      installed_at: now,
      updated_at: now,
    })
    .execute();
  const address =
    row.businessAddress === undefined ? '120 Main Street, Springfield, IL 62701, US' : row.businessAddress;
  await db
    .insertInto('location_profiles')
    .values({ location_id: row.locationId, business_address: address, updated_at: now })
    .execute();
}

export function ssoPayload(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    userId: 'user_admin',
    companyId: 'comp_test',
    role: 'admin',
    type: 'location',
    userName: 'Maya Patel',
    email: 'maya@example.com',
    ...over,
  };
}

let ip = 0;

/** Each call from its own address, so the session rate limit only bites the test that is about it. */
export function nextIp(): string {
  ip += 1;
  return `10.1.${Math.floor(ip / 250)}.${(ip % 250) + 1}`;
}

export function postSession(app: App, body: unknown, from = nextIp()) {
  return request(app)
    .post('/api/session')
    .set('X-Forwarded-For', from)
    .send(body as object);
}

/** Makes GHL know `userId` as a user of `locationId` with `role` (what a sign-in is confirmed against). */
export function ghlUser(
  locationId: string,
  user: { userId: string; role?: string; userName?: string; deleted?: boolean },
): void {
  if (!ghl) return;
  const name = user.userName || user.userId;
  const [firstName = '', lastName = ''] = name.split(' ');
  ghl.sandbox.store.putUser({
    id: user.userId,
    locationId,
    firstName,
    lastName,
    name,
    email: `${user.userId}@example.com`,
    phone: '',
    role: user.role === 'admin' ? 'admin' : 'user',
    deleted: user.deleted,
  });
}

/**
 * A session token for `locationId` through the real SSO exchange; GHL (the sandbox of `startApi`) first learns
 * the user with the payload's role, so the role GHL confirms is the one the test asked for.
 */
export async function tokenFor(app: App, locationId: string, over: Record<string, unknown> = {}): Promise<string> {
  const claims = ssoPayload({ activeLocation: locationId, ...over });
  ghlUser(locationId, claims as { userId: string; role: string; userName: string });
  const payload = encryptSso(claims, TEST_SHARED_SECRET);
  const res = await postSession(app, { payload });
  if (res.status !== 200) throw new Error(`session for ${locationId}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}

export function authed(app: App, token: string) {
  const auth = (r: request.Test) => r.set('Authorization', `Bearer ${token}`);
  return {
    get: (path: string) => auth(request(app).get(path)),
    put: (path: string) => auth(request(app).put(path)),
    post: (path: string) => auth(request(app).post(path)),
  };
}
