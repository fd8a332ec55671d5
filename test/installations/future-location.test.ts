import { afterEach, describe, expect, it } from 'vitest';
import { findInstallation } from '../../src/ghl/token-store.js';
import { loadSettings } from '../../src/settings/store.js';
import { installVia, type Stack, startStack } from '../helpers/stack.js';

let stack: Stack;
afterEach(() => stack?.close());

const MIN = 60_000;

describe('a sub-account added after the agency installed the app for future sub-accounts', () => {
  it('is installed from its INSTALL alone (no companyId, no OAuth callback) and its first missed call gets the SMS', async () => {
    stack = await startStack();
    const first = stack.sandbox.addLocation({ companyId: 'comp_future', name: 'First Office' });
    // Another agency's token is held too: asking it about the new location must not go wrong.
    const other = stack.sandbox.addLocation({ companyId: 'comp_other', name: 'Other Agency Office' });
    expect((await installVia(stack, { locationId: first.location.id, company: true })).status).toBe(200);
    expect((await installVia(stack, { company: true, locationId: other.location.id })).status).toBe(200);

    const added = stack.sandbox.addLocation({
      companyId: 'comp_future',
      name: 'New Office',
      timezone: 'America/Chicago',
    });
    const id = added.location.id;
    const { delivery } = await stack.sandbox.phone.install({ locationId: id, futureLocation: true });
    expect(delivery.status).toBe(200);
    await stack.rt.worker.drain();

    const row = await findInstallation(stack.rt.db.db, id);
    expect(row).toMatchObject({
      status: 'installed',
      company_id: 'comp_future',
      user_type: 'Company',
      name: 'New Office',
      timezone: 'America/Chicago',
    });
    expect(row?.access_token_enc).toBeTruthy();
    expect(await loadSettings(stack.rt.db.db, id)).toMatchObject({ version: 1 });
    const minted = stack.sandbox.requests.filter((r) => r.path === '/oauth/locationToken' && r.status === 200);
    expect(minted.at(-1)?.body).toMatchObject({ companyId: 'comp_future', locationId: id });

    const call = await stack.sandbox.phone.placeCall({
      locationId: id,
      from: '+13125550199',
      to: added.numbers[0]?.phoneNumber ?? '',
      outcome: 'voicemail',
    });
    await stack.rt.worker.drain();
    for (let m = 0; m < 3; m++) {
      stack.clock.advance(MIN);
      await stack.rt.worker.drain();
    }
    const sms = stack.sandbox.store
      .messages(id, call.contactId)
      .filter((m) => m.direction === 'outbound' && m.messageType === 'TYPE_SMS');
    expect(sms).toHaveLength(1);
  });

  it('stays pending, and harmless, when no company token held sees the location', async () => {
    stack = await startStack();
    const lone = stack.sandbox.addLocation({ companyId: 'comp_unknown', name: 'Lone Office' });
    await stack.sandbox.phone.install({ locationId: lone.location.id, futureLocation: true });
    await stack.rt.worker.drain();
    expect(await findInstallation(stack.rt.db.db, lone.location.id)).toMatchObject({
      status: 'installed',
      access_token_enc: null,
    });
  });
});
