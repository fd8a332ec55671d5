/**
 * Issue 19: after RETENTION_INBOX_DAYS a finished step keeps only the words its timeline shows, the 'sent' and
 * 'run-ended' events that repeat the step and run rows go, and a missed call's contact event loses the detail its
 * call row repeats; the timeline reads the same lines before and after.
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
const REPEATS = ['sent', 'run-ended'];
const repeats = () =>
  db().selectFrom('run_events').select('kind').where('run_id', '=', runId).where('kind', 'in', REPEATS).execute();
const callEvent = () =>
  db().selectFrom('contact_events').select(['ref', 'detail']).where('kind', '=', 'missed-call').executeTakeFirst();
/**
 * What the page narrates (views/assets/js/narrate.js): the steps with their words, and the events other than
 * these two (it shows neither: the run's outcome comes from the run row).
 */
const shown = async () =>
  ((await timelineOf(db(), LOCATION_ID, [runId])).get(runId) ?? []).filter(
    (e) => e.type === 'step' || !REPEATS.includes(e.kind),
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
    expect((await repeats()).map((e) => e.kind).sort()).toEqual(['run-ended', 'sent', 'sent', 'sent']);
    const call = await callEvent();
    expect(call?.detail).toMatchObject({ from: PHONES.jane, status: 'voicemail' });
    const timeline = await shown();

    s.clock.advance(5 * DAY);
    await retention();
    expect(await steps()).toEqual(before);
    expect(await repeats()).toHaveLength(4);
    expect(await callEvent()).toEqual(call);

    s.clock.advance(2 * DAY);
    await retention();
    const after = await steps();
    expect(after.filter((st) => st.state === 'done').map((st) => st.rendered)).toEqual([
      { message: (done[0]!.rendered as { message: string }).message },
      { title: (done[1]!.rendered as { title: string }).title },
      { subject: (done[2]!.rendered as { subject: string }).subject },
    ]);
    expect(await repeats()).toHaveLength(0);
    expect(await shown()).toEqual(timeline);
    // The call's event keeps the key the sweep and the stop conditions read; its numbers are the call row's.
    expect(await callEvent()).toEqual({ ref: call?.ref, detail: {} });
    const row = await db().selectFrom('missed_calls').select(['caller_number', 'call_status']).executeTakeFirst();
    expect(row).toEqual({ caller_number: PHONES.jane, call_status: 'voicemail' });
    // The outcome the run-ended event said stays on the run row, which the page reads.
    expect(
      await db().selectFrom('runs').select(['outcome', 'outcome_reason']).where('id', '=', runId).executeTakeFirst(),
    ).toEqual({ outcome: 'lost', outcome_reason: 'sequence-ended' });
    // Trimmed once: the next round finds nothing left to do.
    const again = await retention();
    expect([again.stepsTrimmed, again.repeatedEventsDeleted, again.callDetailsDropped]).toEqual([0, 0, 0]);
  });
});
