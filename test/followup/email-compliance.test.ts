import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { ADDRESS_PLACEHOLDER } from '../../src/core/settings/schema.js';
import {
  CONTACTS,
  type EngineStack,
  HOUR,
  LOCATION_ID,
  MIN,
  PHONES,
  startEngineStack,
  TRACKING_NUMBERS,
  USERS,
} from '../helpers/engine.js';
import { authed, tokenFor } from '../settings/api-helpers.js';

let s: EngineStack;
afterEach(async () => {
  await s?.close();
});

async function missedCall(from: string = PHONES.jane) {
  return (await s.missedCall({ from, to: TRACKING_NUMBERS.facebook })).contactId;
}

async function ownerApi() {
  const app = createApp(s.rt.deps);
  return authed(app, await tokenFor(app, LOCATION_ID, { userId: USERS.maya }));
}

describe('email: postal address and opt-out', () => {
  it('fills the default email footer with the business address GHL has for the location', async () => {
    s = await startEngineStack();
    const contactId = await missedCall();
    await s.at(2 * HOUR);
    const [email] = s.sent(contactId).email;
    expect(email?.body).toContain('100 Main St');
    expect(email?.body).not.toContain(ADDRESS_PLACEHOLDER);
  });

  it('LocationUpdate refreshes the address and time zone from GHL; the next email carries the new address', async () => {
    s = await startEngineStack();
    const update = await s.sandbox.phone.updateLocation({
      locationId: LOCATION_ID,
      changes: {
        address: '9 Harbor Road',
        city: 'Tampa',
        state: 'FL',
        postalCode: '33602',
        timezone: 'America/Chicago',
      },
    });
    expect(update.delivery.status).toBe(200);
    await s.settle();
    const install = await s.rt.db.db
      .selectFrom('installations')
      .select('timezone')
      .where('location_id', '=', LOCATION_ID)
      .executeTakeFirstOrThrow();
    expect(install.timezone).toBe('America/Chicago');
    const contactId = await missedCall();
    await s.advance(2 * HOUR, 30 * MIN);
    expect(s.sent(contactId).email[0]?.body).toContain('9 Harbor Road, Tampa, FL 33602');
  });

  it('refuses to save an email step with the address placeholder, or relying on an address GHL does not have', async () => {
    s = await startEngineStack();
    const api = await ownerApi();
    const current = await api.get('/api/settings');
    const doc = structuredClone(current.body);
    const emailIndex = doc.sequence.findIndex((step: { action: string }) => step.action === 'email');
    doc.sequence[emailIndex].html = `<p>Hi</p><p>${ADDRESS_PLACEHOLDER}</p>`;
    const placeholder = await api
      .put('/api/settings')
      .set('If-Match', current.headers.etag ?? '')
      .send(doc);
    expect(placeholder.status).toBe(400);
    expect(placeholder.body.error.details).toEqual([
      { path: `sequence[${emailIndex}].html`, message: expect.stringMatching(/postal address/) },
    ]);

    await s.sandbox.phone.updateLocation({ locationId: LOCATION_ID, changes: { address: '' } });
    await s.settle();
    const noAddress = await api
      .put('/api/settings')
      .set('If-Match', current.headers.etag ?? '')
      .send(current.body);
    expect(noAddress.status).toBe(400);
    expect(noAddress.body.error.details[0]).toMatchObject({
      path: `sequence[${emailIndex}].html`,
      message: expect.stringMatching(/no business address in GHL/),
    });

    // Without the email step the document saves.
    const withoutEmail = {
      ...current.body,
      sequence: current.body.sequence.filter((_: unknown, i: number) => i !== emailIndex),
    };
    expect(
      (
        await api
          .put('/api/settings')
          .set('If-Match', current.headers.etag ?? '')
          .send(withoutEmail)
      ).status,
    ).toBe(200);
  });

  it('skips an email whose location has no address at send time, in words on the timeline', async () => {
    s = await startEngineStack();
    await s.sandbox.phone.updateLocation({ locationId: LOCATION_ID, changes: { address: '' } });
    await s.settle();
    const contactId = await missedCall();
    await s.at(2 * HOUR);
    expect(s.sent(contactId).email).toHaveLength(0);
    const step = await s.rt.db.db
      .selectFrom('run_steps')
      .select(['state', 'reason'])
      .where('step_id', '=', 'resources-email')
      .executeTakeFirstOrThrow();
    expect(step).toEqual({ state: 'skipped', reason: 'no-postal-address' });
  });

  it('an "unsubscribe" email reply stops every later email to the contact and sets email DND in GHL', async () => {
    s = await startEngineStack();
    const contactId = await missedCall();
    expect(contactId).toBe(CONTACTS.jane);
    await s.at(2 * HOUR);
    expect(s.sent(contactId).email).toHaveLength(1);
    await s.sandbox.phone.replyByEmail({
      locationId: LOCATION_ID,
      contactId,
      body: '<p>Unsubscribe</p><blockquote>Hi Jane, thank you for calling ...</blockquote>',
    });
    await s.settle();
    expect(s.sandbox.store.contact(contactId)?.dndSettings.Email?.status).toBe('active');
    const flags = await s.rt.db.db
      .selectFrom('contact_flags')
      .selectAll()
      .where('contact_id', '=', contactId)
      .executeTakeFirstOrThrow();
    expect(flags.email_opted_out_at).not.toBeNull();
    expect(flags.sms_opted_out_at).toBeNull();

    // A later missed call: its email is skipped for the email opt-out, even if GHL's DND were lifted.
    await s.sandbox.phone.setDnd({ locationId: LOCATION_ID, contactId, channels: { Email: 'inactive' } });
    await s.at(3 * 24 * HOUR);
    await missedCall();
    await s.at(3 * 24 * HOUR + 3 * HOUR);
    expect(s.sent(contactId).email).toHaveLength(1);
    const skipped = await s.rt.db.db
      .selectFrom('run_steps')
      .select(['reason'])
      .where('step_id', '=', 'resources-email')
      .where('state', '=', 'skipped')
      .execute();
    expect(skipped).toEqual([{ reason: 'opted-out-email' }]);
  });
});
