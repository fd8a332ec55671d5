/**
 * The law's limits through the real engine and the sandbox (issue 14, points 2, 3, 4 and 7): a missed call's
 * texts go out at the time the rules allow, named on the run's events in the owner's words.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { contactRecord } from '../../src/sandbox/seed.js';
import type { Settings } from '../../src/core/settings/schema.js';
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

let s: EngineStack;
afterEach(async () => {
  await s?.close();
});

function addContact(id: string, fields: { phone: string; state?: string; timezone?: string; tags?: string[] }): void {
  const at = s.clock.now().toISOString();
  s.sandbox.store.putContact(contactRecord(LOCATION_ID, at, { id, firstName: 'Sam', lastName: 'Reed', ...fields }));
}

async function missedCall(from: string) {
  return (await s.missedCall({ from, to: TRACKING_NUMBERS.facebook })).contactId;
}

async function events(kind: 'deferred' | 'skipped') {
  const rows = await s.rt.db.db
    .selectFrom('run_events')
    .select(['step_id', 'detail'])
    .where('kind', '=', kind)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ stepId: r.step_id, ...(r.detail as Record<string, unknown>) }));
}

const start = (iso: string, settings?: Settings) => startEngineStack({ clock: new ManualClock(iso), settings });

describe("point 2: the recipient's own zones decide, the owner's timezone setting is a fallback", () => {
  it("holds a Los Angeles caller's text until 08:00 Pacific although the owner set New York time", async () => {
    // Monday 08:00 in New York is 05:00 in Los Angeles.
    s = await start('2026-01-05T13:00:00Z', { ...seedSettings(), timezone: 'America/New_York' });
    const contactId = await missedCall('+12135550111');
    await s.at(3 * HOUR - 1000);
    expect(s.sent(contactId).sms).toHaveLength(0);
    await s.at(3 * HOUR);
    expect(s.sent(contactId).sms.map((m) => m.at)).toEqual(['2026-01-05T16:00:00.000Z']);
    expect(await events('deferred')).toEqual([
      {
        stepId: 'apology-sms',
        reason: 'outside-send-window',
        until: '2026-01-05T16:00:00.000Z',
        text: "Text waits until Mon 8:00 AM PST: federal law (TCPA), texts 8:00 AM to 9:00 PM only, caller's area code 213.",
      },
    ]);
  });

  it('waits for 08:00 Central for an 850 number (Florida panhandle, two zones), an hour after Tallahassee opens', async () => {
    s = await start('2026-01-05T13:00:00Z'); // 08:00 Eastern, 07:00 Central
    const contactId = await missedCall('+18505550111');
    await s.at(HOUR - 1000);
    expect(s.sent(contactId).sms).toHaveLength(0);
    await s.at(HOUR);
    expect(s.sent(contactId).sms.map((m) => m.at)).toEqual(['2026-01-05T14:00:00.000Z']);
    expect((await events('deferred'))[0]).toMatchObject({
      text: "Text waits until Mon 8:00 AM CST: Florida law, caller's area code 850.",
    });
  });

  it('applies Florida law to a Florida number whose contact lives in Georgia (a ported number)', async () => {
    s = await start('2026-01-06T01:28:00Z'); // 20:28 Eastern: Georgia allows until 21:00, Florida until 20:00
    addContact('con_ported', { phone: '+13055550123', state: 'GA' });
    const contactId = await missedCall('+13055550123');
    expect(contactId).toBe('con_ported');
    await s.at(2 * MIN);
    expect(s.sent(contactId).sms).toHaveLength(0);
    await s.at(11 * HOUR + 32 * MIN);
    expect(s.sent(contactId).sms.map((m) => m.at)).toEqual(['2026-01-06T13:00:00.000Z']);
    expect((await events('deferred'))[0]).toMatchObject({
      text: "Text waits until Tue 8:00 AM EST: Florida law, caller's area code 305.",
    });
  });
});

describe('point 3: every state of the rules table, Sundays included', () => {
  it('holds a Texas caller on Sunday morning until 12:00, naming Texas law', async () => {
    s = await start('2026-01-04T16:00:00Z'); // Sunday 10:00 Central
    const contactId = await missedCall('+15125550111');
    await s.advance(2 * HOUR, 15 * MIN);
    expect(s.sent(contactId).sms.map((m) => m.at)).toEqual(['2026-01-04T18:00:00.000Z']);
    expect((await events('deferred'))[0]).toMatchObject({
      text: "Text waits until Sun 12:00 PM CST: Texas law, caller's area code 512.",
    });
  });

  it('sends nothing to an Alabama caller on Sunday: the text goes Monday 08:00', async () => {
    s = await start('2026-01-04T18:00:00Z'); // Sunday 12:00 Central
    const contactId = await missedCall('+12055550111');
    await s.advance(26 * HOUR, 30 * MIN);
    expect(s.sent(contactId).sms[0]?.at).toBe('2026-01-05T14:00:00.000Z');
    expect((await events('deferred'))[0]).toMatchObject({
      text: "Text waits until Mon 8:00 AM CST: Alabama law, no texts on Sundays, caller's area code 205.",
    });
  });

  it('holds a Connecticut caller until 09:00', async () => {
    s = await start('2026-01-05T13:15:00Z'); // Monday 08:15 Eastern
    const contactId = await missedCall('+12035550111');
    await s.advance(HOUR, 15 * MIN);
    expect(s.sent(contactId).sms.map((m) => m.at)).toEqual(['2026-01-05T14:00:00.000Z']);
  });
});

describe("point 4: the law's limits are floors", () => {
  it('sends a Florida contact at most 3 texts in 24 h though the saved cap is 10 and the window 07:00-22:00', async () => {
    // A document stored before PUT checked the floors.
    const loose: Settings = {
      ...seedSettings(),
      sendWindow: { start: '07:00', end: '22:00', maxTouchesPer24h: 10 },
      sequence: [1, 2, 3, 4].map((n) => ({
        id: `sms-${n}`,
        after: `PT${n}M`,
        action: 'sms' as const,
        purpose: 'informational' as const,
        message: `Text ${n}`,
      })),
    };
    s = await start('2026-01-05T15:00:00Z', loose); // Monday 10:00 Eastern
    const jane = await missedCall(PHONES.jane);
    await s.advance(10 * MIN);
    expect(s.sent(jane).sms.map((m) => m.body)).toEqual(['Text 1', 'Text 2', 'Text 3']);
    expect((await events('deferred'))[0]).toMatchObject({
      stepId: 'sms-4',
      reason: 'touch-cap',
      text: "Text waits until Tue 10:01 AM EST: at most 3 automated texts per 24 hours (Florida law, caller's area code 305).",
    });
    await s.at(24 * HOUR + MIN);
    expect(s.sent(jane).sms.map((m) => m.at)).toHaveLength(4);
    expect(s.sent(jane).sms[3]?.at).toBe('2026-01-06T15:01:00.000Z');
  });

  it('holds the cap when several texts fall due at once and the worker runs them together', async () => {
    // Four texts due in the same minute are claimed in one batch: each decides before the others are recorded.
    const together: Settings = {
      ...seedSettings(),
      sequence: [1, 2, 3, 4].map((n) => ({
        id: `sms-${n}`,
        after: 'PT2M',
        action: 'sms' as const,
        purpose: 'informational' as const,
        message: `Text ${n}`,
      })),
    };
    s = await start('2026-01-05T15:00:00Z', together); // Monday 10:00 Eastern
    const jane = await missedCall(PHONES.jane);
    await s.at(2 * MIN);
    expect(s.sent(jane).sms).toHaveLength(3);
    await s.at(24 * HOUR + 3 * MIN);
    expect(s.sent(jane).sms).toHaveLength(4);
  });

  it('never texts at 21:30 though the stored window runs to 22:00', async () => {
    const loose: Settings = { ...seedSettings(), sendWindow: { start: '07:00', end: '22:00', maxTouchesPer24h: 3 } };
    s = await start('2026-01-06T02:28:00Z', loose); // 21:28 in New York
    const marcus = await missedCall(PHONES.marcus);
    await s.at(2 * MIN);
    expect(s.sent(marcus).sms).toHaveLength(0);
    await s.at(10 * HOUR + 32 * MIN);
    expect(s.sent(marcus).sms.map((m) => m.at)).toEqual(['2026-01-06T13:00:00.000Z']);
  });
});

describe('point 7: a marketing step needs the consent tag in FL, OK and MD', () => {
  it('skips the marketing last SMS to a Florida caller without the tag, with its reason', async () => {
    s = await start('2026-01-05T15:00:00Z');
    const jane = await missedCall(PHONES.jane);
    await s.at(25 * HOUR);
    expect(s.sent(jane).sms).toHaveLength(1);
    const step = await s.rt.db.db
      .selectFrom('run_steps')
      .select(['state', 'reason'])
      .where('step_id', '=', 'final-sms')
      .executeTakeFirstOrThrow();
    expect(step).toEqual({ state: 'skipped', reason: 'no-consent' });
    expect(await events('skipped')).toEqual([
      {
        stepId: 'final-sms',
        reason: 'no-consent',
        text: 'Text not sent: it is marketing, which needs written consent under Florida law (caller\'s area code 305), and the contact has no "SMS Consent" tag.',
      },
    ]);
  });

  it('sends it when the contact carries the tag the owner named', async () => {
    s = await start('2026-01-05T15:00:00Z', { ...seedSettings(), consent: { tag: 'Texts OK' } });
    addContact('con_consent', { phone: '+14055550123', tags: ['texts ok'] }); // Oklahoma
    const contactId = await missedCall('+14055550123');
    await s.advance(25 * HOUR, HOUR);
    const sms = s.sent(contactId).sms;
    expect(sms).toHaveLength(2);
    expect(sms.find((m) => m.body.includes('Still interested'))?.body).toMatch(
      /^Hi Sam, it's Bright Smile Dental. Still interested\?.* Reply STOP to opt out$/,
    );
  });

  it('sends it to a caller in a state that asks for no written consent', async () => {
    s = await start('2026-01-05T15:00:00Z');
    const marcus = await missedCall(PHONES.marcus);
    await s.at(25 * HOUR);
    expect(s.sent(marcus).sms).toHaveLength(2);
  });
});
