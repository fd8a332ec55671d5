/**
 * Issue 19: after RETENTION_INBOX_DAYS a finished step keeps only the words its timeline shows, and the 'sent'
 * events that repeat the step rows go; the timeline reads the same lines before and after.
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
const sentEvents = () =>
  db().selectFrom('run_events').select('id').where('run_id', '=', runId).where('kind', '=', 'sent').execute();
/** What the page narrates: the steps with their words, and the events other than 'sent' (it shows none of them). */
const shown = async () =>
  ((await timelineOf(db(), LOCATION_ID, [runId])).get(runId) ?? []).filter(
    (e) => e.type === 'step' || e.kind !== 'sent',
  );

describe('retention of a run’s record', () => {
  it('keeps a finished step’s content 7 days, then only its words; its sent events go; the timeline reads the same', async () => {
    const before = await steps();
    const done = before.filter((st) => st.state === 'done');
    expect(done.map((st) => Object.keys(st.rendered as object).sort())).toEqual([
      ['action', 'fromNumber', 'message'],
      ['action', 'assignedTo', 'body', 'dueDate', 'title'],
      ['action', 'html', 'subject'],
    ]);
    expect(await sentEvents()).toHaveLength(3);
    const timeline = await shown();

    s.clock.advance(5 * DAY);
    await retention();
    expect(await steps()).toEqual(before);
    expect(await sentEvents()).toHaveLength(3);

    s.clock.advance(2 * DAY);
    await retention();
    const after = await steps();
    expect(after.filter((st) => st.state === 'done').map((st) => st.rendered)).toEqual([
      { message: (done[0]!.rendered as { message: string }).message },
      { title: (done[1]!.rendered as { title: string }).title },
      { subject: (done[2]!.rendered as { subject: string }).subject },
    ]);
    expect(await sentEvents()).toHaveLength(0);
    expect(await shown()).toEqual(timeline);
    // Trimmed once: the next round finds nothing left to do.
    const again = await retention();
    expect([again.stepsTrimmed, again.sentEventsDeleted]).toEqual([0, 0]);
  });
});
