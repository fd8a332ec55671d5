import { encryptSso } from '../../src/sandbox/sso.js';
import { LOCATION_ID, USERS } from '../../src/sandbox/seed.js';
import { TEST_SHARED_SECRET } from './config.js';
import type { Stack } from './stack.js';

// The API's JSON, read loosely: each test checks the fields it names.
// biome-ignore lint/suspicious/noExplicitAny: a JSON answer walked by the assertions
export type Json = any;

/** The SSO payload GHL hands the page when the seed location's admin (Maya) opens it, encrypted. */
export function mayaSso(s: Stack): string {
  return encryptSso(
    {
      userId: USERS.maya,
      companyId: s.sandbox.seed.companyId,
      role: 'admin',
      type: 'location',
      activeLocation: LOCATION_ID,
      userName: 'Maya Patel',
      email: 'maya@example.com',
    },
    TEST_SHARED_SECRET,
  );
}

/** Calls Ringback's API over HTTP as the seed location's admin (Maya), through a real SSO session. */
export async function callAsAdmin(
  s: Stack,
  path: string,
  init: { method?: string; body?: unknown; ifMatch?: string } = {},
): Promise<{ status: number; etag: string; body: Json }> {
  const payload = mayaSso(s);
  const session = await fetch(`${s.url}/api/session`, {
    method: 'POST',
    body: JSON.stringify({ payload }),
    headers: { 'content-type': 'application/json' },
  });
  const { token } = (await session.json()) as { token: string };
  const res = await fetch(`${s.url}${path}`, {
    method: init.method ?? 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      ...(init.ifMatch ? { 'if-match': init.ifMatch } : {}),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  return { status: res.status, etag: res.headers.get('etag') ?? '', body: (await res.json()) as Json };
}
