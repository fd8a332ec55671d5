/**
 * Issue 19: a run that ended more than RETENTION_INBOX_DAYS ago keeps its steps and events in its own row
 * (src/retention/run-archive.ts), and their rows go; the timeline and the setup check read the same as before.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSetupFacts } from '../../src/reporting/setup-facts.js';
import { type TimelineEntry, timelineOf } from '../../src/reporting/timeline.js';
import { applyRetention, forgetLocation } from '../../src/retention/retention.js';
import { type EngineStack, HOUR, LOCATION_ID, MIN, PHONES, startEngineStack } from '../helpers/engine.js';

const DAY = 24 * HOUR;

let s: EngineStack;
/** Runs that ended on the first day: one played to its end, one with its texts skipped, one with a step failed
 * and one stopped; then one that ended four days later. */
const early: Record<string, number> = {};
let recent: number;
beforeAll(async () => {
  s = await startEngineStack();
  const ended = await s.missedCall({ from: PHONES.jane, outcome: 'voicemail' });
  const skipped = await s.missedCall({ from: PHONES.olivia });
  const failed = await s.missedCall({ from: PHONES.priya });
  const stopped = await s.missedCall({ from: PHONES.marcus });
  // Every attempt of Priya's first text meets GHL 5xx reading her contact: the step fails, the run goes on.
  s.sandbox.faults.add({ method: 'GET', path: `/contacts/${failed.contactId}`, kind: '5xx', times: 24 });
  await s.advance(1 * MIN);
  await s.sandbox.phone.returnCall({ locationId: LOCATION_ID, contactId: stopped.contactId, answered: false });
  await s.advance(30 * MIN);
  await s.advance(25 * HOUR, 10 * MIN);
  for (const [name, call] of Object.entries({ ended, skipped, failed, stopped })) {
    early[name] = (await s.run(call.contactId))!.id;
  }
  await s.advance(3 * DAY, HOUR);
  const again = await s.missedCall({ from: PHONES.jane, outcome: 'voicemail' });
  await s.advance(25 * HOUR, 10 * MIN);
  recent = (await s.run(again.contactId))!.id;
});
afterAll(async () => s?.close());

const db = () => s.rt.db.db;
const retention = () => applyRetention(db(), s.clock.now(), s.rt.deps.config.retention);
const allRuns = () => [...Object.values(early), recent];
const timelines = async () => Object.fromEntries(await timelineOf(db(), LOCATION_ID, allRuns()));
/** The events of the early runs retention deletes, archived or not (retention.ts): they repeat other rows. */
const withoutRepeats = (all: Record<string, TimelineEntry[]>) =>
  Object.fromEntries(
    Object.entries(all).map(([id, list]) => [
      id,
      Number(id) === recent ? list : list.filter((e) => e.type === 'step' || !['sent', 'run-ended'].includes(e.kind)),
    ]),
  );
const rowsOf = async (runIds: number[]) => ({
  steps: await db().selectFrom('run_steps').selectAll().where('run_id', 'in', runIds).orderBy('id').execute(),
  events: await db().selectFrom('run_events').selectAll().where('run_id', 'in', runIds).orderBy('id').execute(),
  runs: await db().selectFrom('runs').selectAll().where('id', 'in', runIds).orderBy('id').execute(),
});
const textsSent = async () =>
  (
    await loadSetupFacts({ db: db(), clock: s.clock, probe: async () => ({ state: 'ok', status: 200 }) }, LOCATION_ID, {
      numbers: [],
    })
  ).textsSent;

describe('a finished run’s record folded into its row after the retention period', () => {
  it('leaves no step rows of a run ended 7 days ago, and its timeline reads the same; a later run is untouched', async () => {
    const states = await db()
      .selectFrom('run_steps')
      .select(['run_id', 'state'])
      .where('run_id', 'in', Object.values(early))
      .execute();
    const stateOf = (run: number) => states.filter((x) => x.run_id === run).map((x) => x.state);
    expect(stateOf(early['ended']!)).toContain('done');
    expect(stateOf(early['skipped']!)).toContain('skipped');
    expect(stateOf(early['failed']!)).toContain('failed');
    expect(stateOf(early['stopped']!)).toContain('stopped');
    const before = await timelines();
    const recentRows = await rowsOf([recent]);
    const sent = await textsSent();
    expect(sent).toBeGreaterThan(recentRows.steps.filter((st) => st.action === 'sms' && st.state === 'done').length);

    // Eight days after the early runs ended, four after the recent one did.
    s.clock.set(s.t0.getTime() + 8 * DAY + 2 * HOUR);
    const result = await retention();
    expect(result.runsArchived).toBe(4);
    const left = await rowsOf(Object.values(early));
    expect(left.steps).toEqual([]);
    expect(left.events).toEqual([]);
    expect(left.runs.every((r) => r.archive !== null)).toBe(true);
    expect(await timelines()).toEqual(withoutRepeats(before));
    expect(await rowsOf([recent])).toEqual(recentRows);
    expect(await textsSent()).toBe(sent);
  });

  it('changes nothing at a second retention', async () => {
    const before = await rowsOf(allRuns());
    const timeline = await timelines();
    const again = await retention();
    expect(again.runsArchived).toBe(0);
    expect(await rowsOf(allRuns())).toEqual(before);
    expect(await timelines()).toEqual(timeline);
  });

  it('keeps a run’s record in a few hundred bytes beside the words it shows', async () => {
    const { rows } = await sql<{ bytes: number; jsonb: number; words: number }>`
      select pg_column_size(archive) as bytes, pg_column_size(archive::jsonb) as jsonb,
             (select coalesce(sum(octet_length(st->>5)), 0) from json_array_elements(archive->0) st)
             + (select coalesce(sum(octet_length(e->2->>'text')), 0) from json_array_elements(archive->1) e) as words
      from runs where id = ${early['ended']}`.execute(db());
    // 661 B with 380 B of words when measured; jsonb took 790 B.
    expect(Number(rows[0]!.words)).toBeGreaterThan(300);
    expect(Number(rows[0]!.bytes) - Number(rows[0]!.words)).toBeLessThan(320);
    expect(Number(rows[0]!.jsonb)).toBeGreaterThan(Number(rows[0]!.bytes));
  });

  it('forgets archived runs with their location', async () => {
    const archived = () =>
      db()
        .selectFrom('runs')
        .select('id')
        .where('location_id', '=', LOCATION_ID)
        .where('archive', 'is not', null)
        .execute();
    expect(await archived()).toHaveLength(4);
    await forgetLocation(db(), LOCATION_ID);
    expect(await archived()).toEqual([]);
  });
});
