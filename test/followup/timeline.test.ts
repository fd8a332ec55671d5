import { afterEach, describe, expect, it } from 'vitest';
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

let s: EngineStack;
afterEach(async () => {
  await s?.close();
});

async function missedCall(from: string = PHONES.jane, to: string = TRACKING_NUMBERS.facebook) {
  const call = await s.missedCall({ from, to, outcome: 'voicemail' });
  expect(call.delivery.status).toBe(200);
  return call;
}

describe('the follow-up sequence', () => {
  it('runs the seed timeline: tags at once, SMS +2 min, task +15 min for the routed rep, email +2 h, SMS +24 h', async () => {
    s = await startEngineStack();
    const { contactId } = await missedCall();
    expect(contactId).toBe(CONTACTS.jane);
    expect(s.sandbox.store.contact(contactId)?.tags).toEqual(
      expect.arrayContaining(['Facebook Ad Caller', 'Missed Call']),
    );
    expect(s.sent(contactId).sms).toHaveLength(0);

    await s.at(2 * MIN - 1000);
    expect(s.sent(contactId).sms).toHaveLength(0);
    await s.at(2 * MIN);
    const [apology] = s.sent(contactId).sms;
    expect(apology?.at).toBe('2026-01-05T15:02:00.000Z');
    expect(apology?.body).toMatch(
      /^Hi Jane, it's Bright Smile Dental. Sorry we missed your call!.* Reply STOP to opt out$/,
    );
    expect(apology?.body).toContain('https://book.example.com/bright-smile');

    await s.at(15 * MIN);
    const [task] = s.sent(contactId).tasks;
    expect(task?.at).toBe('2026-01-05T15:15:00.000Z');
    expect(task?.assignedTo).toBe(USERS.ana);
    expect(task?.title).toBe('Call back Jane Cooper (Facebook Ad Caller)');
    expect(task?.body).toContain('Facebook Ad Caller (+15550001111)');
    expect(task?.body).toMatch(/Already sent: sms \(apology-sms\)/);
    expect(task?.body).toMatch(/Voicemail \/ recording: /);

    await s.at(2 * HOUR);
    const [email] = s.sent(contactId).email;
    expect(email?.at).toBe('2026-01-05T17:00:00.000Z');
    expect(email?.subject).toBe('Sorry we missed you, Jane');

    await s.at(24 * HOUR);
    // The last SMS is marketing and Jane's 305 number is Floridian: without the consent tag it is skipped.
    const sms = s.sent(contactId).sms;
    expect(sms.map((m) => m.at)).toEqual(['2026-01-05T15:02:00.000Z']);
    expect(await s.run(contactId)).toMatchObject({
      status: 'ended',
      outcome: 'lost',
      outcome_reason: 'sequence-ended',
    });
    const times = await s.rt.db.db
      .selectFrom('runs')
      .select(['started_at', 'first_followup_at'])
      .executeTakeFirstOrThrow();
    expect(times.first_followup_at!.getTime() - times.started_at.getTime()).toBe(2 * MIN);
    // Nothing more, ever.
    await s.at(72 * HOUR);
    expect(s.sent(contactId).sms).toHaveLength(1);
    expect(s.sent(contactId).tasks).toHaveLength(1);
    expect(s.sent(contactId).email).toHaveLength(1);
  });

  it('sends nothing when the call is returned and answered at +1 min, and records the run recovered', async () => {
    s = await startEngineStack();
    const { contactId } = await missedCall(PHONES.marcus, TRACKING_NUMBERS.website);
    await s.at(1 * MIN);
    await s.sandbox.phone.returnCall({ locationId: LOCATION_ID, contactId, userId: USERS.ben, answered: true });
    await s.settle();
    await s.at(25 * HOUR);
    expect(s.sent(contactId)).toEqual({ sms: [], email: [], tasks: [] });
    expect(await s.run(contactId)).toMatchObject({
      status: 'ended',
      outcome: 'recovered',
      outcome_reason: 'connected',
    });
    const run = await s.rt.db.db
      .selectFrom('runs')
      .select(['started_at', 'first_human_contact_at'])
      .executeTakeFirstOrThrow();
    expect(run.first_human_contact_at!.getTime() - run.started_at.getTime()).toBe(1 * MIN);
  });

  it('asks GHL before the first step, so a returned call whose webhook never came still stops the sequence', async () => {
    s = await startEngineStack();
    const { contactId } = await missedCall(PHONES.marcus, TRACKING_NUMBERS.website);
    await s.at(1 * MIN);
    // The callback's webhook is lost: GHL could not reach Ringback.
    s.sandbox.setAppBaseUrl('http://127.0.0.1:9');
    const lost = await s.sandbox.phone.returnCall({
      locationId: LOCATION_ID,
      contactId,
      userId: USERS.ben,
      answered: true,
    });
    expect(lost.delivery.ok).toBe(false);
    s.sandbox.setAppBaseUrl(s.url);
    await s.at(25 * HOUR);
    expect(s.sent(contactId)).toEqual({ sms: [], email: [], tasks: [] });
    expect(await s.run(contactId)).toMatchObject({ outcome: 'recovered', outcome_reason: 'connected' });
  });

  it('stops the task and later steps when the lead replies at +10 min', async () => {
    s = await startEngineStack();
    const { contactId } = await missedCall();
    await s.at(2 * MIN);
    await s.at(10 * MIN);
    await s.sandbox.phone.reply({ locationId: LOCATION_ID, contactId, body: 'Can you call me after 3?' });
    await s.settle();
    await s.at(25 * HOUR);
    const sent = s.sent(contactId);
    expect(sent.sms).toHaveLength(1);
    expect(sent.tasks).toHaveLength(0);
    expect(sent.email).toHaveLength(0);
    expect(await s.run(contactId)).toMatchObject({ outcome: 'recovered', outcome_reason: 'replied' });
  });

  it('stops when the lead books an appointment through the link', async () => {
    s = await startEngineStack();
    const { contactId } = await missedCall();
    await s.at(2 * MIN);
    await s.at(5 * MIN);
    await s.sandbox.phone.bookAppointment({ locationId: LOCATION_ID, contactId });
    await s.settle();
    await s.at(25 * HOUR);
    expect(s.sent(contactId).sms).toHaveLength(1);
    expect(s.sent(contactId).tasks).toHaveLength(0);
    expect(await s.run(contactId)).toMatchObject({ outcome: 'recovered', outcome_reason: 'booked' });
  });

  it('a "stop" reply opts the contact out: the run ends suppressed and no text goes out again', async () => {
    s = await startEngineStack();
    const { contactId } = await missedCall();
    await s.at(2 * MIN);
    await s.sandbox.phone.reply({ locationId: LOCATION_ID, contactId, body: 'STOP' });
    await s.settle();
    await s.at(25 * HOUR);
    expect(s.sent(contactId).sms).toHaveLength(1);
    expect(await s.run(contactId)).toMatchObject({ outcome: 'suppressed', outcome_reason: 'opted-out' });
    const flags = await s.rt.db.db
      .selectFrom('contact_flags')
      .selectAll()
      .where('contact_id', '=', contactId)
      .executeTakeFirst();
    expect(flags?.sms_opted_out_at).toBeInstanceOf(Date);
    // A later missed call still gets a task for a human, but never an automated text.
    await missedCall();
    await s.at(50 * HOUR);
    expect(s.sent(contactId).sms).toHaveLength(1);
    expect(s.sent(contactId).tasks.length).toBeGreaterThanOrEqual(1);
  });
});
