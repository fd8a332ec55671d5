import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import type { ManualClock } from '../../src/clock.js';
import { GhlRequestError } from '../../src/ghl/api.js';
import type { Runtime } from '../../src/runtime.js';
import { authed, seedInstallation, startApi, tokenFor } from './api-helpers.js';
import { fakeGhl } from './fake-ghl.js';

let rt: Runtime;
let clock: ManualClock;

beforeAll(async () => {
  ({ rt, clock } = await startApi());
  for (const loc of ['loc_l1', 'loc_l2', 'loc_l3']) await seedInstallation(rt.db.db, { locationId: loc });
});
afterAll(async () => rt?.close());

describe('GET /api/lookups', () => {
  it('lists users, numbers (flagging unmapped ones) and calendars, cached for a minute per location', async () => {
    const ghl = fakeGhl({
      users: [{ id: 'u1', name: 'Ana Lopez', email: 'ana@example.com' }],
      numbers: [
        { phoneNumber: '+15550001111', friendlyName: 'Facebook line' },
        { phoneNumber: '+15550002222', friendlyName: 'Website line' },
      ],
      calendars: [{ id: 'cal_1', name: 'Consult', isActive: true }],
    });
    const app = createApp({ ...rt.deps, ghl });
    const api = authed(app, await tokenFor(rt.app, 'loc_l1'));
    const current = await api.get('/api/settings');
    expect(current.body.bookingLink).toBe('https://api.leadconnectorhq.com/widget/booking/cal_1');
    const doc = {
      ...current.body,
      sources: [
        { trackingNumber: '+15550001111', tag: 'Facebook' },
        { trackingNumber: '+15559998888', tag: 'Print ad' },
      ],
    };
    expect(
      (
        await api
          .put('/api/settings')
          .set('If-Match', current.headers.etag ?? '')
          .send(doc)
      ).status,
    ).toBe(200);

    const res = await api.get('/api/lookups');
    expect(res.status).toBe(200);
    expect(res.body.users).toEqual([{ id: 'u1', name: 'Ana Lopez', email: 'ana@example.com' }]);
    expect(res.body.numbers).toEqual([
      { phoneNumber: '+15550001111', friendlyName: 'Facebook line', mapped: true, source: 'Facebook' },
      { phoneNumber: '+15550002222', friendlyName: 'Website line', mapped: false, source: null },
    ]);
    expect(res.body.calendars).toEqual([{ id: 'cal_1', name: 'Consult', isActive: true }]);
    expect(res.body.warnings).toEqual([
      "1 of the sub-account's phone numbers has no source mapped",
      '+15559998888 is mapped to a source but is not a number of this sub-account',
    ]);

    const numbersCalls = ghl.calls.numbers;
    await api.get('/api/lookups');
    expect(ghl.calls.numbers).toBe(numbersCalls);
    clock.advance(61_000);
    await api.get('/api/lookups');
    expect(ghl.calls.numbers).toBe(numbersCalls + 1);
  });

  it('answers empty lists with warnings when GHL refuses (missing scope), so the page works with typed values', async () => {
    const refused = new GhlRequestError(403, 'The token is not authorized for this scope.');
    const app = createApp({ ...rt.deps, ghl: fakeGhl({ users: refused, numbers: refused, calendars: [] }) });
    const api = authed(app, await tokenFor(rt.app, 'loc_l2'));
    const res = await api.get('/api/lookups');
    expect(res.status).toBe(200);
    expect(res.body.users).toEqual([]);
    expect(res.body.numbers).toEqual([]);
    expect(res.body.warnings).toHaveLength(2);
    expect(res.body.warnings[0]).toMatch(/users\.readonly/);
    expect(res.body.warnings[1]).toMatch(/phone numbers/);
    // Without a user list, user ids are not checked against it: the save still works.
    const current = await api.get('/api/settings');
    const doc = { ...current.body, routing: { userIds: ['typed_user_id'], rules: [] } };
    expect(
      (
        await api
          .put('/api/settings')
          .set('If-Match', current.headers.etag ?? '')
          .send(doc)
      ).status,
    ).toBe(200);
  });
});
