/**
 * The contact the attribution read, carried to the first step it hands off (src/followup/carried-contact.ts): the
 * step decides with that read instead of asking GHL again, its guards included, and any step that was not
 * handed off (claimed from the table: a retry, a recovery, another instance) reads the contact from GHL.
 * The hand-off cases were checked failing with the carried read ignored (two reads of the contact).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CARRIED_CONTACT_MS, carriedContactFor, carryContact } from '../../src/followup/carried-contact.js';
import type { GhlContact } from '../../src/ghl/api.js';
import { CONTACTS, LOCATION_ID, TRACKING_NUMBERS } from '../../src/sandbox/seed.js';
import { type EngineStack, firstTextAtOnce, handingOff, PHONES, startEngineStack, until } from '../helpers/engine.js';

let s: EngineStack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

/** GHL's reads of one contact, as the sandbox recorded them. */
const contactReads = (contactId: string) =>
  s!.sandbox.requests.filter((r) => r.method === 'GET' && r.path === `/contacts/${contactId}`).length;

async function firstStep(contactId: string) {
  return s!.rt.db.db
    .selectFrom('run_steps')
    .select(['state', 'reason'])
    .where('contact_id', '=', contactId)
    .where('step_id', '=', 'apology-sms')
    .executeTakeFirst();
}

describe('the contact read carried to the first step', () => {
  it('a missed call whose first text is handed off reads the contact from GHL once', async () => {
    s = await startEngineStack(handingOff());
    s.rt.worker.start();
    const call = await s.sandbox.phone.placeCall({
      locationId: LOCATION_ID,
      from: '+14155550131',
      to: TRACKING_NUMBERS.website,
      outcome: 'no-answer',
    });
    await until('first text', () => s!.sent(call.contactId).sms.length === 1);
    await s.rt.worker.stop();
    expect(contactReads(call.contactId)).toBe(1);
    expect(await firstStep(call.contactId)).toEqual({ state: 'done', reason: null });
  }, 30_000);

  it('the carried read still holds the guards: SMS DND skips the text', async () => {
    s = await startEngineStack(handingOff());
    s.rt.worker.start();
    await s.sandbox.phone.placeCall({
      locationId: LOCATION_ID,
      from: PHONES.olivia,
      to: TRACKING_NUMBERS.website,
      outcome: 'no-answer',
    });
    await until('first step decided', async () => (await firstStep(CONTACTS.olivia))?.state === 'skipped');
    await s.rt.worker.stop();
    expect(await firstStep(CONTACTS.olivia)).toEqual({ state: 'skipped', reason: 'dnd-sms' });
    expect(s.sent(CONTACTS.olivia).sms).toHaveLength(0);
    expect(contactReads(CONTACTS.olivia)).toBe(1);
  }, 30_000);

  it('a step claimed from the table reads the contact again', async () => {
    // A stopped worker keeps no slot: every job of the call is claimed by the drain.
    s = await startEngineStack(firstTextAtOnce());
    const call = await s.missedCall({ from: '+14155550132' });
    expect(s.sent(call.contactId).sms).toHaveLength(1);
    expect(contactReads(call.contactId)).toBe(2);
  }, 30_000);
});

describe('carriedContactFor', () => {
  const contact: GhlContact = {
    id: 'con_1',
    locationId: 'loc_1',
    tags: ['VIP'],
    dnd: false,
    dndSettings: {},
  };
  const readAt = new Date('2026-01-05T18:00:00Z');
  const carried = carryContact(contact, ['vip', 'Missed Call'], readAt);
  const aged = (ms: number) => new Date(readAt.getTime() + ms);

  it('adds the tags the attribution put on the contact, once whatever their case', () => {
    expect(carried.contact.tags).toEqual(['VIP', 'Missed Call']);
    expect(contact.tags).toEqual(['VIP']);
  });

  it('answers the read for the same contact within its age, else nothing', () => {
    expect(carriedContactFor(carried, 'loc_1', 'con_1', aged(CARRIED_CONTACT_MS))).toEqual(carried.contact);
    expect(carriedContactFor(carried, 'loc_1', 'con_1', aged(CARRIED_CONTACT_MS + 1))).toBeNull();
    expect(carriedContactFor(carried, 'loc_1', 'con_1', aged(-1))).toBeNull();
    expect(carriedContactFor(carried, 'loc_1', 'con_2', aged(0))).toBeNull();
    expect(carriedContactFor(carried, 'loc_2', 'con_1', aged(0))).toBeNull();
    expect(carriedContactFor(undefined, 'loc_1', 'con_1', aged(0))).toBeNull();
  });
});
