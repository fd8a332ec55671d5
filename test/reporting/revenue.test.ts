import { afterEach, describe, expect, it } from 'vitest';
import { digestTick } from '../../src/reporting/digest.js';
import {
  type EngineStack,
  HOUR,
  LOCATION_ID,
  MIN,
  PHONES,
  seedSettings,
  startEngineStack,
  TRACKING_NUMBERS,
} from '../helpers/engine.js';
import { callAsAdmin } from '../helpers/session-api.js';

let s: EngineStack;
afterEach(async () => {
  await s?.close();
});

const call = (path: string, init?: Parameters<typeof callAsAdmin>[2]) => callAsAdmin(s, path, init);

/** Settings with an owner's value per source: Facebook leads $300, Website $150, Google none. */
function valuedSettings() {
  const base = seedSettings();
  return {
    ...base,
    sources: base.sources.map((src) =>
      src.trackingNumber === TRACKING_NUMBERS.facebook
        ? { ...src, value: 300 }
        : src.trackingNumber === TRACKING_NUMBERS.website
          ? { ...src, value: 150 }
          : src,
    ),
    digest: { enabled: true, at: '08:00', recipients: ['owner@example.com'] },
  };
}

async function missedThenReply(from: string, to: string) {
  const call = await s.sandbox.phone.placeCall({ locationId: LOCATION_ID, from, to, outcome: 'no-answer' });
  await s.settle();
  await s.sandbox.phone.reply({ locationId: LOCATION_ID, contactId: call.contactId, body: 'ok call me at 5' });
  await s.settle();
  return call.contactId;
}

describe('revenue recovered', () => {
  it('values each recovered lead by its opportunity, else the source default; lost deals are $0; the dashboard and the digest say so', {
    timeout: 90_000,
  }, async () => {
    s = await startEngineStack({ settings: valuedSettings() as never });
    // Jane (Facebook) replies; her rep opens a $1,800 deal, then raises it to $2,400.
    const jane = await missedThenReply(PHONES.jane, TRACKING_NUMBERS.facebook);
    const opp = await s.sandbox.phone.createOpportunity({
      locationId: LOCATION_ID,
      contactId: jane,
      monetaryValue: 1800,
    });
    const created = opp.delivery.event;
    await s.settle();
    await s.advance(5 * MIN);
    await s.sandbox.phone.updateOpportunity({ locationId: LOCATION_ID, id: opp.opportunityId, monetaryValue: 2400 });
    await s.settle();
    // GHL redelivers the older OpportunityCreate late (a 429 retry): it must not undo the update.
    await s.sandbox.deliver({ ...created, webhookId: `${String(created.webhookId)}-late` });
    await s.settle();
    // Marcus (Website) replies, no deal in GHL: the owner's $150 for Website leads.
    await missedThenReply(PHONES.marcus, TRACKING_NUMBERS.website);
    // Priya (Facebook) replies, but her only deal was lost: worth $0, not the $300 default.
    const priya = await missedThenReply(PHONES.priya, TRACKING_NUMBERS.facebook);
    const lost = await s.sandbox.phone.createOpportunity({
      locationId: LOCATION_ID,
      contactId: priya,
      monetaryValue: 900,
    });
    await s.sandbox.phone.updateOpportunity({ locationId: LOCATION_ID, id: lost.opportunityId, status: 'lost' });
    await s.settle();
    // Tom (Google) never comes back: not recovered, so his deal does not count.
    const tom = await s.sandbox.phone.placeCall({
      locationId: LOCATION_ID,
      from: PHONES.tom,
      to: TRACKING_NUMBERS.google,
      outcome: 'no-answer',
    });
    await s.settle();
    await s.sandbox.phone.createOpportunity({ locationId: LOCATION_ID, contactId: tom.contactId, monetaryValue: 5000 });
    await s.settle();

    const { status, body } = await call('/api/stats?days=7');
    expect(status).toBe(200);
    expect(body.recovered).toBe(3);
    expect(body.revenue).toEqual({
      leads: 3,
      value: 2550,
      valuedLeads: 3,
      basis: { opportunity: 2, service: 0, sourceDefault: 1 },
      bySource: [
        { source: 'Facebook Ad Caller', leads: 2, value: 2400, valuedLeads: 2 },
        { source: 'Website Caller', leads: 1, value: 150, valuedLeads: 1 },
      ],
    });

    // The next morning's digest (08:00 New York) carries the line and the split per source.
    // Jan 6 08:00 in New York is 13:00Z; the stack starts Jan 5 15:00Z.
    await s.at(22 * HOUR);
    await digestTick(s.rt.db.db, s.clock.now());
    await s.settle();
    const digest = s.sandbox.store
      .messages(LOCATION_ID)
      .find((m) => m.messageType === 'TYPE_EMAIL' && (m.subject ?? '').startsWith('Ringback daily digest'));
    expect(digest?.body).toContain(
      'Recovered this week: 3 leads, about $2,600. Facebook Ad Caller: 2 leads, about $2,400; Website Caller: 1 lead, about $150.',
    );
  });

  it('a source may carry the value of its leads: kept as given, absent by default, a negative one refused with its path', async () => {
    s = await startEngineStack();
    const before = await call('/api/settings');
    expect(before.body.sources[0]).not.toHaveProperty('value');
    const doc = structuredClone(before.body);
    doc.sources[0].value = -5;
    const bad = await call('/api/settings', { method: 'PUT', body: doc, ifMatch: before.etag });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toContainEqual(expect.objectContaining({ path: 'sources[0].value' }));
    doc.sources[0].value = 450;
    const ok = await call('/api/settings', { method: 'PUT', body: doc, ifMatch: before.etag });
    expect(ok.status).toBe(200);
    expect((await call('/api/settings')).body.sources[0].value).toBe(450);
  });
});
