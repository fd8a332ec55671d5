import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSetupFacts } from '../../src/reporting/setup-facts.js';
import type { DeliveryResult } from '../../src/sandbox/types.js';
import {
  CONTACTS,
  type EngineStack,
  HOUR,
  LOCATION_ID,
  MIN,
  firstTextAtOnce,
  PHONES,
  startEngineStack,
  TRACKING_NUMBERS,
} from '../helpers/engine.js';

/**
 * Texts and emails of a contact without any run are stored processed, with their contact event and no job
 * (src/followup/quiet-webhook.ts, docs/quiet-webhooks.md); everything that may matter is still processed.
 */
let s: EngineStack;
afterEach(async () => {
  await s?.close();
});

const db = () => s.rt.db.db;

const inboxRow = (webhookId: string) =>
  db()
    .selectFrom('webhook_inbox')
    .select(['quiet', 'processed_at', 'received_at'])
    .where('webhook_id', '=', webhookId)
    .executeTakeFirstOrThrow();

const jobOf = (webhookId: string) =>
  db().selectFrom('jobs').select('state').where('unique_key', '=', `webhook:${webhookId}`).executeTakeFirst();

const contactEvents = (contactId: string) =>
  db().selectFrom('contact_events').select(['kind', 'ref']).where('contact_id', '=', contactId).orderBy('id').execute();

async function expectQuiet(d: DeliveryResult) {
  expect(d.status).toBe(200);
  const row = await inboxRow(d.webhookId);
  expect(row.quiet).toBe(true);
  expect(row.processed_at?.getTime()).toBe(row.received_at.getTime());
  expect(await jobOf(d.webhookId)).toBeUndefined();
}

async function expectProcessedByJob(d: DeliveryResult) {
  expect(d.status).toBe(200);
  const row = await inboxRow(d.webhookId);
  expect(row.quiet).toBe(false);
  // Its job is there until it is done; a missed call's statement deletes the job it records (migrations/0036).
  if (row.processed_at === null) expect(await jobOf(d.webhookId)).toBeDefined();
}

async function missedCall(from: string, settle = true) {
  const call = await s.sandbox.phone.placeCall({
    locationId: LOCATION_ID,
    from,
    to: TRACKING_NUMBERS.website,
    outcome: 'no-answer',
  });
  if (settle) await s.settle();
  return call;
}

function outbound(contactId: string, source: string, body: string) {
  return s.sandbox.deliver({
    type: 'OutboundMessage',
    locationId: LOCATION_ID,
    contactId,
    messageId: `msg_${source}_${contactId}`,
    messageType: 'SMS',
    direction: 'outbound',
    status: 'delivered',
    source,
    body,
    dateAdded: s.clock.now().toISOString(),
  });
}

/** GHL's report of a text sent through its API (`source: api`), as it posts one back for each send. */
function ownReport(contactId: string, m: { messageId: string | null; status: string; body: string }) {
  return s.sandbox.deliver({
    type: 'OutboundMessage',
    locationId: LOCATION_ID,
    contactId,
    messageId: m.messageId,
    messageType: 'SMS',
    direction: 'outbound',
    status: m.status,
    source: 'api',
    body: m.body,
    dateAdded: s.clock.now().toISOString(),
  });
}

describe('webhooks that cannot matter are stored processed, with no job', () => {
  it('a text, a rep’s text and a workflow’s text of a contact without a run: their contact events, nothing else', async () => {
    s = await startEngineStack();
    const text = await s.sandbox.phone.reply({ locationId: LOCATION_ID, contactId: CONTACTS.jane, body: 'Open Sat?' });
    const byRep = await s.sandbox.phone.sendSms({ locationId: LOCATION_ID, contactId: CONTACTS.jane, body: 'Yes!' });
    const byWorkflow = await outbound(CONTACTS.jane, 'workflow', 'Thanks for reaching out');
    for (const d of [text.delivery, byRep.delivery, byWorkflow]) await expectQuiet(d);
    expect(await contactEvents(CONTACTS.jane)).toEqual([
      { kind: 'reply', ref: text.messageId },
      { kind: 'manual-message', ref: byRep.messageId },
      { kind: 'other-automation', ref: `msg_workflow_${CONTACTS.jane}` },
    ]);
    await s.at(10 * MIN);
    expect(await s.run(CONTACTS.jane)).toBeUndefined();
    expect(await contactEvents(CONTACTS.jane)).toHaveLength(3);
    expect(s.sent(CONTACTS.jane).sms).toHaveLength(0);
  });

  it('a quiet webhook delivered again is a duplicate: one row, one contact event', async () => {
    s = await startEngineStack();
    const { delivery } = await s.sandbox.phone.reply({ locationId: LOCATION_ID, contactId: CONTACTS.jane, body: 'hi' });
    await expectQuiet(delivery);
    const again = await fetch(`${s.url}/webhooks/ghl`, {
      method: 'POST',
      headers: delivery.headers,
      body: delivery.rawBody,
    });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ ok: true, duplicate: true });
    expect(await contactEvents(CONTACTS.jane)).toHaveLength(1);
    const rows = await db()
      .selectFrom('webhook_inbox')
      .select('id')
      .where('webhook_id', '=', delivery.webhookId)
      .execute();
    expect(rows).toHaveLength(1);
    expect(await jobOf(delivery.webhookId)).toBeUndefined();
  });

  it.each([['STOP'], ['No me envíes más mensajes']])(
    '%j from a contact without a run is processed and recorded: a later missed call sends no text',
    async (body) => {
      s = await startEngineStack();
      const { delivery } = await s.sandbox.phone.reply({ locationId: LOCATION_ID, contactId: CONTACTS.marcus, body });
      await expectProcessedByJob(delivery);
      await s.settle();
      const flags = await db()
        .selectFrom('contact_flags')
        .select('sms_opted_out_at')
        .where('contact_id', '=', CONTACTS.marcus)
        .executeTakeFirst();
      expect(flags?.sms_opted_out_at).toBeTruthy();
      const { contactId } = await missedCall(PHONES.marcus);
      expect(contactId).toBe(CONTACTS.marcus);
      await s.at(25 * HOUR);
      expect(s.sent(contactId).sms).toHaveLength(0);
    },
  );

  it('a reply to an active run is processed and recovers it', async () => {
    s = await startEngineStack();
    const { contactId } = await missedCall(PHONES.marcus);
    await s.at(1 * MIN);
    const { delivery } = await s.sandbox.phone.reply({ locationId: LOCATION_ID, contactId, body: 'call me at 5' });
    await expectProcessedByJob(delivery);
    await s.settle();
    expect(await s.run(contactId)).toMatchObject({ status: 'ended', outcome: 'recovered' });
  });

  it('a reply within 72 hours of a lost run is processed and turns it recovered', async () => {
    s = await startEngineStack();
    const { contactId } = await missedCall(PHONES.marcus);
    await s.at(1 * MIN);
    await s.sandbox.phone.returnCall({ locationId: LOCATION_ID, contactId, answered: false });
    await s.at(2 * MIN);
    expect(await s.run(contactId)).toMatchObject({ status: 'ended', outcome: 'lost' });
    await s.at(30 * HOUR);
    const { delivery } = await s.sandbox.phone.reply({ locationId: LOCATION_ID, contactId, body: 'still need help' });
    await expectProcessedByJob(delivery);
    await s.settle();
    expect(await s.run(contactId)).toMatchObject({ status: 'ended', outcome: 'recovered' });
  });

  it('a reply that beats its missed call’s processing is quiet, and still stops the first text', async () => {
    s = await startEngineStack();
    const { contactId } = await missedCall(PHONES.marcus, false);
    const { delivery } = await s.sandbox.phone.reply({ locationId: LOCATION_ID, contactId, body: 'call me at 5' });
    await expectQuiet(delivery);
    await s.at(25 * HOUR);
    expect(s.sent(contactId).sms).toHaveLength(0);
    expect(await s.run(contactId)).toMatchObject({ status: 'ended', outcome: 'recovered' });
  });

  it('an automation texting a missed caller before the run exists still counts for the setup checker', async () => {
    s = await startEngineStack();
    const { contactId } = await missedCall(PHONES.marcus, false);
    await expectQuiet(await outbound(contactId, 'workflow', 'Sorry we missed you!'));
    await s.settle();
    expect(await s.run(contactId)).toMatchObject({ status: 'active' });
    const facts = await loadSetupFacts(
      { db: db(), clock: s.clock, probe: async () => ({ state: 'ok', status: 200 }) },
      LOCATION_ID,
      { numbers: [] },
    );
    expect(facts.otherAutomationAfterMissed).toBe(1);
  });

  it('a text of a contact who has a run is processed, and so are calls and other events', async () => {
    s = await startEngineStack();
    const { contactId, delivery } = await missedCall(PHONES.marcus);
    await expectProcessedByJob(delivery);
    await expectProcessedByJob(await outbound(contactId, 'workflow', 'Sorry we missed you!'));
    // A call of a contact without a run (answered: no run starts) is processed all the same.
    const answered = await s.sandbox.phone.placeCall({
      locationId: LOCATION_ID,
      from: PHONES.jane,
      to: TRACKING_NUMBERS.website,
      outcome: 'answered',
    });
    await expectProcessedByJob(answered.delivery);
  });

  it('GHL reporting back a text Ringback sent is stored processed with nothing recorded; a failed delivery is processed', async () => {
    s = await startEngineStack(firstTextAtOnce());
    const { contactId } = await missedCall(PHONES.marcus);
    const step = await db()
      .selectFrom('run_steps')
      .select(['ghl_id', 'state'])
      .where('contact_id', '=', contactId)
      .where('action', '=', 'sms')
      .where('ghl_id', 'is not', null)
      .executeTakeFirstOrThrow();
    const report = (status: string) =>
      ownReport(contactId, { messageId: step.ghl_id, status, body: 'Sorry we missed your call!' });
    const before = await contactEvents(contactId);
    await expectQuiet(await report('delivered'));
    // Processing would have found the step and recorded nothing: no event, the step as it was.
    expect(await contactEvents(contactId)).toEqual(before);
    // A carrier's failure on the same text is a report processing acts on (delivery-status.ts).
    await expectProcessedByJob(await report('undelivered'));
  });

  it('a report that beats the send’s own answer is matched by the words its step is still sending', async () => {
    s = await startEngineStack(firstTextAtOnce());
    const { contactId } = await missedCall(PHONES.marcus);
    // The text as it was between its intent and GHL's answer: sending, GHL's id not yet known.
    const step = await db()
      .updateTable('run_steps')
      .set({ state: 'sending', ghl_id: null })
      .where('contact_id', '=', contactId)
      .where('action', '=', 'sms')
      .where('ghl_id', 'is not', null)
      .returning(sql<string>`rendered->>'message'`.as('message'))
      .executeTakeFirstOrThrow();
    const report = (messageId: string, body: string) => ownReport(contactId, { messageId, status: 'sent', body });
    const before = await contactEvents(contactId);
    await expectQuiet(await report('msg_early_report', step.message));
    expect(await contactEvents(contactId)).toEqual(before);
    // Other words are another message: processed by its job.
    await expectProcessedByJob(await report('msg_other_words', `${step.message} (edited)`));
  });
});
