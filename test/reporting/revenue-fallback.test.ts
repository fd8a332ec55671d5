/**
 * Revenue when GHL's opportunity webhooks never came: the sweep arms a check per recovered lead with no known
 * deal, and a job reads the contact's opportunities through GET /opportunities/search (docs/ghl-api-calls.md §6),
 * real HTTP against the sandbox.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type EngineStack, LOCATION_ID, MIN, PHONES, startEngineStack, TRACKING_NUMBERS } from '../helpers/engine.js';
import { callAsAdmin } from '../helpers/session-api.js';

let s: EngineStack;
afterEach(async () => {
  await s?.close();
});

const T = { timeout: 120_000 };
const SEARCH = '/opportunities/search';

async function missedThenReply(from: string, to: string) {
  const call = await s.sandbox.phone.placeCall({ locationId: LOCATION_ID, from, to, outcome: 'no-answer' });
  await s.settle();
  await s.sandbox.phone.reply({ locationId: LOCATION_ID, contactId: call.contactId, body: 'ok call me at 5' });
  await s.settle();
  return call.contactId;
}

const searches = () => s.sandbox.requests.filter((r) => r.method === 'GET' && r.path === SEARCH);
const revenue = async () => (await callAsAdmin(s, '/api/stats?days=7')).body.revenue;

/** The sweep's minute, an hour after the lead was recovered. */
async function sweepLater(ms: number) {
  s.clock.set(s.clock.now().getTime() + ms);
  await s.rt.tickSweep();
  await s.settle();
}

function loseOpportunityWebhooks() {
  s.sandbox.dropWebhooks({
    fraction: 1,
    seed: 'opportunities',
    match: (e) => String(e.type).startsWith('Opportunity'),
  });
}

describe('revenue when the opportunity webhooks were lost', () => {
  it(
    'values the lead from GHL’s opportunities, read by a job after the sweep; a late webhook changes nothing',
    T,
    async () => {
      s = await startEngineStack();
      const jane = await missedThenReply(PHONES.jane, TRACKING_NUMBERS.facebook);
      expect(await s.run(jane)).toMatchObject({ outcome: 'recovered' });
      loseOpportunityWebhooks();
      const opp = await s.sandbox.phone.createOpportunity({
        locationId: LOCATION_ID,
        contactId: jane,
        monetaryValue: 1800,
      });
      expect(opp.delivery.dropped).toBe(true);
      s.clock.set(s.clock.now().getTime() + 5 * MIN);
      await s.sandbox.phone.updateOpportunity({ locationId: LOCATION_ID, id: opp.opportunityId, monetaryValue: 2400 });
      await s.settle();
      expect(await revenue()).toMatchObject({ leads: 1, value: 0, valuedLeads: 0 });

      // Within the hour the webhook may still come: GHL is not asked yet.
      await sweepLater(10 * MIN);
      expect(searches()).toHaveLength(0);
      await sweepLater(60 * MIN);
      expect(searches()).toHaveLength(1);
      expect(searches()[0]?.query).toMatchObject({ location_id: LOCATION_ID, contact_id: jane, status: 'all' });
      expect(await revenue()).toMatchObject({
        leads: 1,
        value: 2400,
        valuedLeads: 1,
        basis: { opportunity: 1, service: 0, sourceDefault: 0 },
      });
      const events = await s.rt.db.db
        .selectFrom('run_events')
        .select('kind')
        .where('kind', '=', 'opportunity-found')
        .execute();
      expect(events).toHaveLength(1);

      // The lost OpportunityCreate turns up after all, with its older timestamp: the newer value stays.
      s.sandbox.dropWebhooks(null);
      expect((await s.sandbox.deliver(opp.delivery.event)).status).toBe(200);
      await s.settle();
      expect(await revenue()).toMatchObject({ value: 2400 });
      // Three days on, the lead has a known deal: the later check is not armed, GHL not asked again.
      await sweepLater(3 * 24 * 60 * MIN);
      expect(searches()).toHaveLength(1);
    },
  );

  it('does not ask GHL when the webhook came', T, async () => {
    s = await startEngineStack();
    const jane = await missedThenReply(PHONES.jane, TRACKING_NUMBERS.facebook);
    await s.sandbox.phone.createOpportunity({ locationId: LOCATION_ID, contactId: jane, monetaryValue: 700 });
    await s.settle();
    await sweepLater(61 * MIN);
    await sweepLater(3 * 24 * 60 * MIN);
    expect(searches()).toHaveLength(0);
    expect(await revenue()).toMatchObject({ value: 700, valuedLeads: 1 });
  });

  it('a lead whose only deal GHL lists as lost is worth $0, and a failed search is tried again', T, async () => {
    s = await startEngineStack();
    const jane = await missedThenReply(PHONES.jane, TRACKING_NUMBERS.facebook);
    loseOpportunityWebhooks();
    const opp = await s.sandbox.phone.createOpportunity({
      locationId: LOCATION_ID,
      contactId: jane,
      monetaryValue: 900,
    });
    await s.sandbox.phone.updateOpportunity({ locationId: LOCATION_ID, id: opp.opportunityId, status: 'lost' });
    // GHL fails every attempt of the first job run.
    s.sandbox.faults.add({ method: 'GET', path: SEARCH, kind: '5xx', times: 3 });
    await sweepLater(61 * MIN);
    expect(searches().length).toBeGreaterThanOrEqual(1);
    const job = () =>
      s.rt.db.db
        .selectFrom('jobs')
        .select(['state', 'attempts'])
        .where('unique_key', 'like', 'opportunity-check:%')
        .executeTakeFirstOrThrow();
    expect(await job()).toMatchObject({ state: 'pending' });
    await s.advance(30 * MIN);
    expect(await job()).toMatchObject({ state: 'done' });
    expect(await revenue()).toMatchObject({ leads: 1, value: 0, valuedLeads: 1, basis: { opportunity: 1 } });
  });
});
