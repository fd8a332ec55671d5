import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../src/runtime.js';
import { authed, seedInstallation, startApi, tokenFor } from '../settings/api-helpers.js';
import { seedRun } from './seed.js';

let rt: Runtime;
let api: ReturnType<typeof authed>;
let other: ReturnType<typeof authed>;
let r1: { runId: number; callIds: number[] };

// The clock reads 2026-01-05T15:00Z: 10:00 in New York. The 7-day window starts 2025-12-30 00:00 New York.
beforeAll(async () => {
  ({ rt } = await startApi());
  const db = rt.db.db;
  await seedInstallation(db, { locationId: 'loc_r', timezone: 'America/New_York' });
  await seedInstallation(db, { locationId: 'loc_x', timezone: 'America/New_York' });
  r1 = await seedRun(db, {
    locationId: 'loc_r',
    contactId: 'c1',
    startedAt: '2026-01-05T14:00:00Z',
    outcome: 'recovered',
    reason: 'replied',
    outcomeAfterMin: 60,
    source: 'Facebook',
    followupAfterSec: 120,
    humanAfterSec: 600,
    calls: [0, 30],
    assignedUserId: 'user_ana',
    escalated: true,
    highValue: true,
    conversationId: 'conv_c1',
  });
  await seedRun(db, {
    locationId: 'loc_r',
    contactId: 'c2',
    startedAt: '2026-01-04T20:00:00Z',
    outcome: 'recovered',
    reason: 'booked',
    outcomeAfterMin: 120,
    source: 'Facebook',
    followupAfterSec: 60,
  });
  await seedRun(db, {
    locationId: 'loc_r',
    contactId: 'c3',
    startedAt: '2026-01-03T18:00:00Z',
    outcome: 'lost',
    reason: 'sequence-ended',
    source: 'Website',
    followupAfterSec: 300,
  });
  await seedRun(db, {
    locationId: 'loc_r',
    contactId: 'c4',
    startedAt: '2026-01-02T12:00:00Z',
    outcome: 'suppressed',
    reason: 'dnd',
  });
  await seedRun(db, {
    locationId: 'loc_r',
    contactId: 'c5',
    startedAt: '2026-01-02T13:00:00Z',
    outcome: 'suppressed',
    reason: 'disabled',
    source: 'Website',
  });
  // 20:00 on 31 December in New York; recovered, but after 72 h, so it does not count as recovered.
  await seedRun(db, {
    locationId: 'loc_r',
    contactId: 'c6',
    startedAt: '2026-01-01T01:00:00Z',
    outcome: 'recovered',
    reason: 'answered',
    outcomeAfterMin: 80 * 60,
    source: 'Website',
    followupAfterSec: 900,
  });
  await seedRun(db, {
    locationId: 'loc_r',
    contactId: 'c7',
    startedAt: '2025-12-20T15:00:00Z',
    outcome: 'recovered',
    reason: 'booked',
    source: 'Facebook',
    followupAfterSec: 30,
  });
  await seedRun(db, { locationId: 'loc_r', contactId: 'c8', startedAt: '2026-01-05T14:50:00Z', source: 'Google' });
  // Another location's numbers must never leak into loc_r's.
  for (let i = 0; i < 3; i++) {
    await seedRun(db, {
      locationId: 'loc_x',
      contactId: `x${i}`,
      startedAt: '2026-01-05T12:00:00Z',
      outcome: 'recovered',
      reason: 'booked',
      source: 'Facebook',
      followupAfterSec: 5,
      humanAfterSec: 5,
    });
  }
  await db
    .insertInto('run_steps')
    .values([
      {
        run_id: r1.runId,
        location_id: 'loc_r',
        contact_id: 'c1',
        step_id: 'apology-sms',
        action: 'sms',
        due_at: new Date('2026-01-05T14:02:00Z'),
        state: 'done',
        intent_at: new Date('2026-01-05T14:02:00Z'),
        done_at: new Date('2026-01-05T14:02:01Z'),
        rendered: JSON.stringify({ message: 'Hi Jane, sorry we missed your call!' }),
      },
      {
        run_id: r1.runId,
        location_id: 'loc_r',
        contact_id: 'c1',
        step_id: 'resources-email',
        action: 'email',
        due_at: new Date('2026-01-05T16:00:00Z'),
        state: 'failed',
        reason: 'GHL answered 500 five times',
      },
    ])
    .execute();
  await db
    .insertInto('run_events')
    .values([
      {
        run_id: r1.runId,
        at: new Date('2026-01-05T14:00:00Z'),
        kind: 'started',
        detail: JSON.stringify({ source: 'Facebook' }),
      },
      {
        run_id: r1.runId,
        at: new Date('2026-01-05T14:15:00Z'),
        kind: 'deferred',
        step_id: 'callback-task',
        detail: JSON.stringify({ reason: 'outside-send-window', until: '2026-01-05T15:00:00Z' }),
      },
    ])
    .execute();
  api = authed(rt.app, await tokenFor(rt.app, 'loc_r'));
  other = authed(rt.app, await tokenFor(rt.app, 'loc_x'));
});
afterAll(async () => rt?.close());

describe('GET /api/stats', () => {
  it('computes the last 7 local days of the token’s location in SQL', async () => {
    const res = await api.get('/api/stats?days=7');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      days: 7,
      timeZone: 'America/New_York',
      from: '2025-12-30T05:00:00.000Z',
      to: '2026-01-05T15:00:00.000Z',
      missedCalls: 8,
      runs: 7,
      recovered: 2,
      recoveredPct: 28.6,
      booked: 1,
      bookedPct: 14.3,
      suppressed: [
        { reason: 'disabled', label: 'Ringback was turned off', count: 1 },
        { reason: 'dnd', label: 'the contact is on Do Not Disturb', count: 1 },
      ],
      // First follow-ups of 60, 120, 300 and 900 s: percentile_cont interpolates.
      timeToFirstFollowupSeconds: { p50: 210, p90: 720 },
      timeToFirstHumanContactSeconds: { p50: 600 },
      // The denominators of the medians, said on the page's cards.
      followedUp: 4,
      reachedByRep: 1,
      // The 7 days before: c7 is older still.
      previous: {
        from: '2025-12-23T05:00:00.000Z',
        to: '2025-12-30T05:00:00.000Z',
        missedCalls: 0,
        runs: 0,
        recovered: 0,
        recoveredPct: null,
        booked: 0,
        bookedPct: null,
        timeToFirstFollowupSeconds: { p50: null, p90: null },
        timeToFirstHumanContactSeconds: { p50: null },
        followedUp: 0,
        reachedByRep: 0,
      },
      perDay: [
        { day: '2025-12-30', missed: 0, recovered: 0 },
        { day: '2025-12-31', missed: 1, recovered: 0 },
        { day: '2026-01-01', missed: 0, recovered: 0 },
        { day: '2026-01-02', missed: 2, recovered: 0 },
        { day: '2026-01-03', missed: 1, recovered: 0 },
        { day: '2026-01-04', missed: 1, recovered: 1 },
        { day: '2026-01-05', missed: 3, recovered: 1 },
      ],
      perSource: [
        { source: 'Website', missedCalls: 3, runs: 3, recovered: 0, recoveredPct: 0 },
        { source: 'Facebook', missedCalls: 3, runs: 2, recovered: 2, recoveredPct: 100 },
        { source: 'Google', missedCalls: 1, runs: 1, recovered: 0, recoveredPct: 0 },
        { source: null, missedCalls: 1, runs: 1, recovered: 0, recoveredPct: 0 },
      ],
      // The two recovered leads, no value known for either (no opportunity, no source value set).
      revenue: {
        leads: 2,
        value: 0,
        valuedLeads: 0,
        basis: { opportunity: 0, service: 0, sourceDefault: 0 },
        bySource: [{ source: 'Facebook', leads: 2, value: 0, valuedLeads: 0 }],
      },
      voiceAi: { handled: 0, booked: 0, messages: 0, hungUp: 0 },
    });
  });

  it('sets the period just before beside each figure', async () => {
    // 10 days from 2025-12-27; the 10 before hold c7 (2025-12-20), booked, followed up after 30 s.
    const res = await api.get('/api/stats?days=10');
    expect(res.body.previous).toMatchObject({
      from: '2025-12-17T05:00:00.000Z',
      to: '2025-12-27T05:00:00.000Z',
      missedCalls: 1,
      runs: 1,
      recovered: 1,
      recoveredPct: 100,
      booked: 1,
      followedUp: 1,
      timeToFirstFollowupSeconds: { p50: 30 },
    });
    expect(res.body.from).toBe('2025-12-27T05:00:00.000Z');
  });

  it('30 days include the older run; 7 is the default', async () => {
    const res = await api.get('/api/stats?days=30');
    expect(res.body).toMatchObject({ days: 30, missedCalls: 9, runs: 8, recovered: 3, booked: 2 });
    expect(res.body.perDay).toHaveLength(30);
    expect((await api.get('/api/stats')).body.days).toBe(7);
  });

  it.each(['0', '91', 'abc', '7.5', '-1'])('answers 400 to days=%s', async (days) => {
    const res = await api.get(`/api/stats?days=${days}`);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('BAD_REQUEST');
  });

  it('another location sees only its own numbers', async () => {
    const res = await other.get('/api/stats?days=30');
    expect(res.body).toMatchObject({ missedCalls: 3, runs: 3, recovered: 3, booked: 3, suppressed: [] });
  });
});

describe('GET /api/calls', () => {
  it('lists the location’s missed calls newest first, each with its run and timeline', async () => {
    const res = await api.get('/api/calls?limit=3');
    expect(res.status).toBe(200);
    expect(res.body.calls.map((c: { contactId: string; calledAt: string }) => [c.contactId, c.calledAt])).toEqual([
      ['c8', '2026-01-05T14:50:00.000Z'],
      ['c1', '2026-01-05T14:30:00.000Z'],
      ['c1', '2026-01-05T14:00:00.000Z'],
    ]);
    const call = res.body.calls[2];
    expect(call).toMatchObject({
      id: r1.callIds[0],
      sourceTag: 'Facebook',
      highValue: true,
      callStatus: 'no-answer',
      voicemailUrl: 'https://example.com/vm.mp3',
    });
    expect(call.run).toMatchObject({
      id: r1.runId,
      status: 'ended',
      outcome: 'recovered',
      outcomeReason: 'replied',
      assignedUserId: 'user_ana',
      escalated: true,
      missedConnections: 2,
      timeToFirstFollowupSeconds: 120,
      timeToFirstHumanContactSeconds: 600,
    });
    // The calls come from the run's missed_calls rows (reporting/call-entries.ts), as ringback_missed_call's run
    // events said them: the first started the run, the second joined it.
    const facebook = { status: 'no-answer', trackingNumber: '+15550001111', source: 'Facebook' };
    expect(call.timeline).toEqual([
      { type: 'event', at: '2026-01-05T14:00:00.000Z', kind: 'missed-call', stepId: null, detail: facebook },
      { type: 'event', at: '2026-01-05T14:00:00.000Z', kind: 'started', stepId: null, detail: { source: 'Facebook' } },
      {
        type: 'step',
        at: '2026-01-05T14:02:01.000Z',
        stepId: 'apology-sms',
        action: 'sms',
        state: 'done',
        dueAt: '2026-01-05T14:02:00.000Z',
        doneAt: '2026-01-05T14:02:01.000Z',
        reason: null,
        summary: 'Hi Jane, sorry we missed your call!',
      },
      {
        type: 'event',
        at: '2026-01-05T14:15:00.000Z',
        kind: 'deferred',
        stepId: 'callback-task',
        detail: { reason: 'outside-send-window', until: '2026-01-05T15:00:00Z' },
      },
      { type: 'event', at: '2026-01-05T14:30:00.000Z', kind: 'repeat-call', stepId: null, detail: facebook },
      {
        type: 'step',
        at: '2026-01-05T16:00:00.000Z',
        stepId: 'resources-email',
        action: 'email',
        state: 'failed',
        dueAt: '2026-01-05T16:00:00.000Z',
        doneAt: null,
        reason: 'GHL answered 500 five times',
        summary: null,
      },
    ]);
  });

  it('links each call to its contact and, when GHL named it, its conversation in GHL', async () => {
    const res = await api.get('/api/calls?limit=3');
    const [c8, , c1] = res.body.calls;
    const base = 'https://app.gohighlevel.com/v2/location/loc_r';
    expect(c1.contactUrl).toBe(`${base}/contacts/detail/c1`);
    expect(c1.conversationUrl).toBe(`${base}/conversations/conversations/conv_c1`);
    // A call recorded before the id was kept links to the contact's page, which shows the conversation.
    expect(c8.conversationUrl).toBe(`${base}/contacts/detail/c8`);
  });

  it('pages with the cursor through every call exactly once', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 10; page++) {
      const res = await api.get(`/api/calls?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...res.body.calls.map((c: { id: number }) => c.id));
      cursor = res.body.nextCursor;
      if (!cursor) break;
    }
    expect(seen).toHaveLength(9);
    expect(new Set(seen).size).toBe(9);
  });

  it('never shows another location’s calls, even with its cursor', async () => {
    const mine = await api.get('/api/calls?limit=100');
    const theirs = await other.get('/api/calls?limit=100');
    expect(theirs.body.calls).toHaveLength(3);
    const mineIds = new Set(mine.body.calls.map((c: { id: number }) => c.id));
    for (const c of theirs.body.calls) expect(mineIds.has(c.id)).toBe(false);
    const cursorFromA = Buffer.from(`mc:${r1.callIds[1]}`).toString('base64url');
    const res = await other.get(`/api/calls?cursor=${cursorFromA}`);
    expect(res.status).toBe(200);
    expect(res.body.calls).toEqual([]);
  });

  it('answers 400 to a bad limit or cursor', async () => {
    expect((await api.get('/api/calls?limit=0')).status).toBe(400);
    expect((await api.get('/api/calls?limit=101')).status).toBe(400);
    expect((await api.get('/api/calls?cursor=garbage')).status).toBe(400);
  });
});
