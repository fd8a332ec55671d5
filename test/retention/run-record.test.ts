/**
 * Issue 19: after RETENTION_INBOX_DAYS a finished step keeps only the words its timeline shows, the 'sent',
 * 'run-ended' and call events that repeat the step, run and call rows go, and so does a missed call's contact
 * event once the escalation's window has passed too; once its run ended that long ago, the rest of its record is
 * in the run's row (run-archive.test.ts). The timeline reads the same lines before and after.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyRetention } from '../../src/retention/retention.js';
import { timelineOf } from '../../src/reporting/timeline.js';
import { type EngineStack, HOUR, LOCATION_ID, PHONES, startEngineStack } from '../helpers/engine.js';

const DAY = 24 * HOUR;

let s: EngineStack;
let runId: number;
beforeAll(async () => {
  s = await startEngineStack();
  const call = await s.missedCall({ from: PHONES.jane, outcome: 'voicemail' });
  await s.advance(10 * 60_000);
  await s.missedCall({ from: PHONES.jane, outcome: 'no-answer' });
  await s.advance(25 * HOUR, 10 * 60_000);
  runId = (await s.run(call.contactId))!.id;
});
afterAll(async () => s?.close());

const db = () => s.rt.db.db;
const retention = () => applyRetention(db(), s.clock.now(), s.rt.deps.config.retention);
const steps = () =>
  db()
    .selectFrom('run_steps')
    .select(['step_id', 'state', 'rendered'])
    .where('run_id', '=', runId)
    .orderBy('id')
    .execute();
const UNSHOWN = ['sent', 'run-ended'];
const CALLS = ['missed-call', 'repeat-call'];
const repeats = () =>
  db()
    .selectFrom('run_events')
    .select('kind')
    .where('run_id', '=', runId)
    .where('kind', 'in', [...UNSHOWN, ...CALLS])
    .execute();
const callEvents = () =>
  db().selectFrom('contact_events').select(['ref', 'detail']).where('kind', '=', 'missed-call').orderBy('at').execute();
/**
 * What the page narrates (views/assets/js/narrate.js): the steps with their words, the calls, and the events
 * other than 'sent' and 'run-ended' (it shows neither: the run's outcome comes from the run row).
 */
const shown = async () =>
  ((await timelineOf(db(), LOCATION_ID, [runId])).get(runId) ?? []).filter(
    (e) => e.type === 'step' || !UNSHOWN.includes(e.kind),
  );

describe('retention of a run’s record', () => {
  it('keeps a run’s record whole 7 days, then drops what another row repeats; the timeline reads the same', async () => {
    const before = await steps();
    const done = before.filter((st) => st.state === 'done');
    expect(done.map((st) => Object.keys(st.rendered as object).sort())).toEqual([
      ['action', 'fromNumber', 'message'],
      ['action', 'assignedTo', 'body', 'dueDate', 'title'],
      ['action', 'html', 'subject'],
    ]);
    // The calls have no run event of their own: their rows are their timeline entries (call-entries.ts).
    expect((await repeats()).map((e) => e.kind).sort()).toEqual(['run-ended', 'sent', 'sent', 'sent']);
    const calls = await callEvents();
    expect(calls.map((c) => c.detail)).toMatchObject([
      { from: PHONES.jane, status: 'voicemail' },
      { from: PHONES.jane, status: 'no-answer' },
    ]);
    const timeline = await shown();
    // The timeline's calls, read from the call rows: the call that started the run, then the one that joined it.
    const callRows = await db()
      .selectFrom('missed_calls')
      .select(['called_at', 'call_status', 'tracking_number', 'source_tag'])
      .orderBy('called_at')
      .execute();
    expect(timeline.filter((e) => e.type === 'event' && CALLS.includes(e.kind))).toEqual(
      callRows.map((r, i) => ({
        type: 'event',
        at: r.called_at.toISOString(),
        kind: CALLS[i],
        stepId: null,
        detail: { status: r.call_status, trackingNumber: r.tracking_number, source: r.source_tag },
      })),
    );
    expect(callRows.map((r) => r.call_status)).toEqual(['voicemail', 'no-answer']);

    s.clock.advance(5 * DAY);
    await retention();
    expect(await steps()).toEqual(before);
    expect(await repeats()).toHaveLength(4);
    expect(await callEvents()).toEqual(calls);

    // The first three steps were done more than 7 days ago, the last one and the run's end less: the run is not
    // archived yet (run-archive.test.ts), its rows are trimmed.
    s.clock.advance(DAY + 12 * HOUR);
    await retention();
    const after = await steps();
    expect(after.filter((st) => st.state === 'done').map((st) => st.rendered)).toEqual([
      { message: (done[0]!.rendered as { message: string }).message },
      { title: (done[1]!.rendered as { title: string }).title },
      { subject: (done[2]!.rendered as { subject: string }).subject },
    ]);
    expect((await repeats()).map((e) => e.kind)).toEqual(['run-ended']);
    expect(await shown()).toEqual(timeline);
    const trimmedOnce = await retention();
    expect([trimmedOnce.stepsTrimmed, trimmedOnce.repeatedEventsDeleted, trimmedOnce.callDetailsDropped]).toEqual([
      0, 0, 0,
    ]);

    // The run ended more than 7 days ago: its steps and events are in its row, and the page reads the same.
    s.clock.advance(12 * HOUR);
    await retention();
    expect(await steps()).toEqual([]);
    expect(await repeats()).toHaveLength(0);
    expect(await shown()).toEqual(timeline);
    // Each call is kept once, by its row: the sweep reads it for the calls it knows (followup/sweep.ts).
    expect(await callEvents()).toEqual([]);
    const rows = await db()
      .selectFrom('missed_calls')
      .select(['message_id', 'caller_number', 'call_status'])
      .orderBy('called_at')
      .execute();
    expect(rows).toEqual([
      { message_id: calls[0]?.ref, caller_number: PHONES.jane, call_status: 'voicemail' },
      { message_id: calls[1]?.ref, caller_number: PHONES.jane, call_status: 'no-answer' },
    ]);
    // The outcome the run-ended event said stays on the run row, which the page reads.
    expect(
      await db().selectFrom('runs').select(['outcome', 'outcome_reason']).where('id', '=', runId).executeTakeFirst(),
    ).toEqual({ outcome: 'lost', outcome_reason: 'sequence-ended' });
    // Trimmed once: the next round finds nothing left to do.
    const again = await retention();
    expect([
      again.stepsTrimmed,
      again.repeatedEventsDeleted,
      again.callDetailsDropped,
      again.callRunEventsDeleted,
      again.callContactEventsDeleted,
      again.runsArchived,
    ]).toEqual([0, 0, 0, 0, 0, 0]);
  });
});
