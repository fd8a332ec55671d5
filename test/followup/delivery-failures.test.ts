import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { deliveryFailureOf } from '../../src/followup/carrier-errors.js';
import { type EngineStack, HOUR, LOCATION_ID, MIN, PHONES, startEngineStack, USERS } from '../helpers/engine.js';
import { authed, tokenFor } from '../settings/api-helpers.js';

let s: EngineStack;
afterEach(async () => {
  await s?.close();
  s = undefined as unknown as EngineStack;
});

/** GHL's status report comes a moment after the send's answer: wait for it, then process it. */
async function statusReported() {
  for (let i = 0; i < 200; i++) {
    const row = await s.rt.db.db
      .selectFrom('webhook_inbox')
      .select('id')
      .where('type', '=', 'OutboundMessage')
      .executeTakeFirst();
    if (row) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  await s.settle();
}

async function missedCall(from: string = PHONES.marcus) {
  return (await s.missedCall({ from })).contactId;
}

async function texts() {
  const rows = await s.rt.db.db.selectFrom('run_events').select(['detail']).orderBy('id').execute();
  return rows.map((r) => (r.detail as { text?: string }).text).filter((t): t is string => typeof t === 'string');
}

describe('delivery failures GHL reports for our texts', () => {
  it('30006 (landline): later texts are skipped as not textable and the rep is told to call', async () => {
    s = await startEngineStack();
    s.sandbox.carrier.refuse(PHONES.marcus, '30006');
    const contactId = await missedCall();
    await s.at(2 * MIN);
    expect(s.sent(contactId).sms).toHaveLength(1);
    await statusReported();
    await s.at(25 * HOUR);
    expect(s.sent(contactId).sms).toHaveLength(1);
    const final = await s.rt.db.db
      .selectFrom('run_steps')
      .select(['state', 'reason'])
      .where('step_id', '=', 'final-sms')
      .executeTakeFirstOrThrow();
    expect(final).toEqual({ state: 'skipped', reason: 'not-textable' });
    expect(s.sent(contactId).tasks[0]?.body).toContain('Texts cannot reach this number');
    const timeline = await texts();
    expect(timeline.some((t) => t.startsWith('The text was not delivered: the number is a landline'))).toBe(true);
    expect(
      timeline.some((t) => t.startsWith('Text not sent: the carrier reported this number cannot receive texts')),
    ).toBe(true);
  });

  it('21610 (unsubscribed at the carrier): the contact is opted out and GHL gets SMS DND', async () => {
    s = await startEngineStack();
    s.sandbox.carrier.refuse(PHONES.marcus, '21610');
    const contactId = await missedCall();
    await s.at(2 * MIN);
    await statusReported();
    await s.at(25 * HOUR);
    expect(s.sent(contactId).sms).toHaveLength(1);
    expect(await s.run(contactId)).toMatchObject({ outcome: 'suppressed', outcome_reason: 'opted-out' });
    expect(s.sandbox.store.contact(contactId)?.dndSettings.SMS?.status).toBe('active');
  });

  it('30034 (unregistered 10DLC): the settings lookups carry a warning for the owner', async () => {
    s = await startEngineStack();
    s.sandbox.carrier.refuse(PHONES.marcus, '30034');
    const contactId = await missedCall();
    await s.at(2 * MIN);
    expect(s.sent(contactId).sms).toHaveLength(1);
    await statusReported();
    const warnings = await s.rt.db.db.selectFrom('location_warnings').selectAll().execute();
    expect(warnings).toMatchObject([{ location_id: LOCATION_ID, code: '30034', occurrences: 1 }]);
    const app = createApp(s.rt.deps);
    const lookups = await authed(app, await tokenFor(app, LOCATION_ID, { userId: USERS.maya })).get('/api/lookups');
    expect(lookups.status).toBe(200);
    expect(lookups.body.deliveryWarnings).toMatchObject([{ code: '30034', occurrences: 1 }]);
    expect(lookups.body.warnings.some((w: string) => w.includes('not registered for A2P 10DLC'))).toBe(true);
    // The campaign's samples are the location's own texts, with the business named and the opt-out wording.
    const campaign = lookups.body.a2pCampaign;
    expect(campaign.sampleMessages.length).toBeGreaterThan(0);
    expect(campaign.sampleMessages[0]).toMatch(/^Hi Jane, it's Bright Smile Dental. Sorry we missed your call!/);
    expect(campaign.messageFlow).toMatch(/Reply STOP to opt out/);
  });

  it.each([
    [{ status: 'delivered' }, null],
    [{ status: 'failed', error: { code: '21610', type: 'carrier', message: 'x' } }, 'opted-out'],
    [{ status: 'undelivered', errorCode: 30003 }, 'not-textable'],
    [{ status: 'undelivered', meta: { error: { code: '30005' } } }, 'not-textable'],
    [{ status: 'failed', errorMessage: 'Twilio error 30007: filtered' }, 'a2p-warning'],
    [{ status: 'opt_out' }, 'opted-out'],
    [{ status: 'failed' }, 'failed'],
  ])('reads the failure in %j defensively as %s', (body, effect) => {
    expect(deliveryFailureOf(body)?.effect ?? null).toBe(effect);
  });
});
