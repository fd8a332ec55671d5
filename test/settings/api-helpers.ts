/** Shared by the settings and reporting API tests: one runtime per test file, installs seeded as rows. */
import type { App } from '../../src/app.js';
import type { Kysely } from 'kysely';
import request from 'supertest';
import { ManualClock } from '../../src/clock.js';
import type { Database } from '../../src/db/database.js';
import { type Runtime, startRuntime } from '../../src/runtime.js';
import { encryptSso } from '../../src/sandbox/sso.js';
import { TEST_SHARED_SECRET, testConfig } from '../helpers/config.js';
import { freshPostgresUrl, onPostgres, pgliteTemplate } from '../helpers/db.js';
import { silentLogger } from '../helpers/logger.js';

export const START = '2026-01-05T15:00:00Z';

export async function startApi(env: Record<string, string> = {}): Promise<{ rt: Runtime; clock: ManualClock }> {
  const clock = new ManualClock(START);
  const config = testConfig({ ...env, ...(onPostgres ? { DATABASE_URL: await freshPostgresUrl() } : {}) });
  const rt = await startRuntime({
    config,
    clock,
    logger: silentLogger,
    pgliteTemplate: onPostgres ? undefined : await pgliteTemplate(),
  });
  return { rt, clock };
}

export interface InstallRow {
  locationId: string;
  companyId?: string;
  name?: string;
  timezone?: string;
  status?: 'installed' | 'uninstalled' | 'revoked';
}

export async function seedInstallation(db: Kysely<Database>, row: InstallRow, now = new Date(START)): Promise<void> {
  await db
    .insertInto('installations')
    .values({
      location_id: row.locationId,
      company_id: row.companyId ?? 'comp_test',
      status: row.status ?? 'installed',
      name: row.name ?? `Location ${row.locationId}`,
      timezone: row.timezone ?? 'America/New_York',
      installed_at: now,
      updated_at: now,
    })
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
  return request(app).post('/api/session').set('X-Forwarded-For', from).send(body as object);
}

/** A session token for `locationId` through the real SSO exchange. */
export async function tokenFor(app: App, locationId: string, over: Record<string, unknown> = {}): Promise<string> {
  const payload = encryptSso(ssoPayload({ activeLocation: locationId, ...over }), TEST_SHARED_SECRET);
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
