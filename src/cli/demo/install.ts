import type { Db } from '../../db/create-db.js';
import { COMPANY_ID, LOCATION_ID, USERS } from '../../sandbox/seed.js';
import { seedSettings } from '../../sandbox/seed-settings.js';
import { encryptSso } from '../../sandbox/sso.js';
import type { Settings } from '../../core/settings/schema.js';

/**
 * The owner's install journey, over HTTP as a browser makes it: Ringback's /oauth/install, GHL's location
 * picker (the sandbox takes the pick as `locationId`), then Ringback's /oauth/callback.
 */
export async function installThroughOAuth(appUrl: string, locationId: string): Promise<void> {
  const start = await fetch(`${appUrl}/oauth/install`, { redirect: 'manual' });
  const authorize = start.headers.get('location');
  if (start.status !== 302 || !authorize) throw new Error(`/oauth/install answered ${start.status}`);
  const pick = new URL(authorize);
  pick.searchParams.set('locationId', locationId);
  const chosen = await fetch(pick, { redirect: 'manual' });
  const callback = chosen.headers.get('location');
  if (chosen.status !== 302 || !callback) throw new Error(`GHL chooselocation answered ${chosen.status}`);
  const done = await fetch(callback, { redirect: 'manual' });
  if (done.status !== 200 && done.status !== 302)
    throw new Error(`/oauth/callback answered ${done.status}: ${await done.text()}`);
}

export const DIGEST_RECIPIENT = 'owner@brightsmile.example';

/** The seed's configuration with the daily digest on for the owner. */
export function demoSettings(): Settings {
  return seedSettings({ digest: { enabled: true, at: '08:00', recipients: [DIGEST_RECIPIENT] } });
}

/**
 * Saves the settings as the manager would from the settings page: an SSO session, then PUT /api/settings with
 * If-Match. Where the settings API is missing (404), writes the document straight into location_settings.
 * Returns how it was saved.
 */
export async function applySettings(input: {
  appUrl: string;
  sharedSecret: string;
  db: Db['db'];
  settings: Settings;
  now: Date;
}): Promise<'api' | 'database'> {
  const { appUrl, sharedSecret, db, settings, now } = input;
  const payload = encryptSso(
    {
      userId: USERS.maya,
      companyId: COMPANY_ID,
      role: 'admin',
      type: 'location',
      activeLocation: LOCATION_ID,
      userName: 'Maya Patel',
      email: 'maya.patel@example.com',
    },
    sharedSecret,
  );
  const session = await fetch(`${appUrl}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ payload }),
  });
  if (session.status === 404) return writeDirectly(db, settings, now);
  if (!session.ok) throw new Error(`POST /api/session answered ${session.status}: ${await session.text()}`);
  const { token } = (await session.json()) as { token: string };
  const auth = { authorization: `Bearer ${token}` };
  const current = await fetch(`${appUrl}/api/settings`, { headers: auth });
  if (current.status === 404) return writeDirectly(db, settings, now);
  const etag = current.headers.get('etag') ?? '"1"';
  const put = await fetch(`${appUrl}/api/settings`, {
    method: 'PUT',
    headers: { ...auth, 'content-type': 'application/json', 'if-match': etag },
    body: JSON.stringify(settings),
  });
  if (put.status === 404) return writeDirectly(db, settings, now);
  if (!put.ok) throw new Error(`PUT /api/settings answered ${put.status}: ${await put.text()}`);
  return 'api';
}

async function writeDirectly(db: Db['db'], settings: Settings, now: Date): Promise<'database'> {
  const json = JSON.stringify(settings);
  await db
    .insertInto('location_settings')
    .values({ location_id: LOCATION_ID, settings: json, version: 1, updated_at: now })
    .onConflict((oc) => oc.column('location_id').doUpdateSet({ settings: json, updated_at: now }))
    .execute();
  return 'database';
}
