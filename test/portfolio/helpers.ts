/** A GHL agency with Ringback installed for all its sub-accounts (a bulk install), and its agency users. */
import request from 'supertest';
import { AGENCY_USERS, COMPANY_ID, LOCATION_2_ID, LOCATION_ID } from '../../src/sandbox/seed.js';
import { encryptSso } from '../../src/sandbox/sso.js';
import { TEST_SHARED_SECRET } from '../helpers/config.js';
import { FAST_GHL, installVia, type Stack, startStack } from '../helpers/stack.js';

export { AGENCY_USERS, COMPANY_ID, LOCATION_2_ID, LOCATION_ID };
export const OTHER_COMPANY = 'comp_rival_agency';
export const RIVAL_OWNER = 'user_rival_owner';

export interface Agency {
  stack: Stack;
  third: string;
  rival: string;
}

export async function startAgency(): Promise<Agency> {
  const stack = await startStack({ ghlOptions: { ...FAST_GHL, timeoutMs: 15_000 } });
  const third = stack.sandbox.addLocation({
    companyId: COMPANY_ID,
    name: 'Harbor Auto Repair',
    timezone: 'America/Los_Angeles',
  });
  const rival = stack.sandbox.addLocation({ companyId: OTHER_COMPANY, name: 'Rival Roofing' });
  stack.sandbox.store.putAgencyUser({
    id: RIVAL_OWNER,
    companyId: OTHER_COMPANY,
    firstName: 'Rita',
    lastName: 'Vale',
    name: 'Rita Vale',
    email: 'rita@rival.example',
    phone: '',
    role: 'admin',
    locationIds: [],
    restrictSubAccount: false,
  });
  const mine = await installVia(stack, { company: true });
  if (mine.status !== 200) throw new Error(`agency install: ${mine.status}`);
  const theirs = await installVia(stack, { company: true, locationId: rival.location.id });
  if (theirs.status !== 200) throw new Error(`rival install: ${theirs.status}`);
  await settleNames(stack);
  return { stack, third: third.location.id, rival: rival.location.id };
}

/** The SSO payload GHL hands the page at agency level (docs/ghl-platform.md §8): no activeLocation. */
export function agencyPayload(over: Record<string, unknown> = {}): string {
  return encryptSso(
    {
      userId: AGENCY_USERS.owner,
      companyId: COMPANY_ID,
      role: 'admin',
      type: 'agency',
      userName: 'Alex Morgan',
      email: 'alex.morgan@example.com',
      ...over,
    },
    TEST_SHARED_SECRET,
  );
}

let ip = 0;

export function signIn(stack: Stack, body: Record<string, unknown>) {
  ip += 1;
  return request(stack.url).post('/api/session').set('X-Forwarded-For', `10.9.0.${ip}`).send(body);
}

export async function companyToken(stack: Stack, over: Record<string, unknown> = {}): Promise<string> {
  const res = await signIn(stack, { payload: agencyPayload(over), scope: 'company' });
  if (res.status !== 200) throw new Error(`company session: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.token as string;
}

export function as(stack: Stack, token: string) {
  const auth = (r: request.Test) => r.set('Authorization', `Bearer ${token}`);
  return {
    get: (path: string) => auth(request(stack.url).get(path)),
    put: (path: string) => auth(request(stack.url).put(path)),
    post: (path: string) => auth(request(stack.url).post(path)),
  };
}

/**
 * Until GHL's name of every installed sub-account is stored: on a loaded machine the install's read of a
 * location can time out, and the location refresh job (retried on the clock) fills it in later.
 */
export async function settleNames(stack: Stack): Promise<void> {
  for (let i = 0; i < 20; i++) {
    await stack.rt.worker.drain();
    const missing = await stack.rt.db.db
      .selectFrom('installations')
      .select('location_id')
      .where('status', '=', 'installed')
      .where('name', 'is', null)
      .execute();
    if (missing.length === 0) return;
    stack.clock.advance(60_000);
  }
  throw new Error('installed sub-accounts still have no name');
}
