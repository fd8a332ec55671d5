import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/create-db.js';
import type { LocationSeed, Sandbox } from '../../src/sandbox/index.js';
import { onPostgres } from '../helpers/db.js';
import { audit, report, sentInSandbox, waitForQuiet } from './audit.js';
import type { RingbackChild } from './child.js';
import { Feeder } from './feed.js';
import { oneProcess } from './one-process.js';
import { adsLine, callerPhone, sleep } from './fleet.js';

const LOCATIONS = 4;
const CALLS = 40;
const OUTAGE_MS = 12_000;

let sandbox: Sandbox;
let child: RingbackChild;
let db: Db;
let locations: LocationSeed[];
const start = oneProcess();
beforeAll(async () => {
  if (!onPostgres) return;
  ({ sandbox, db, child, locations } = await start({ locations: LOCATIONS, env: { JOB_STALE_AFTER_MS: '60000' } }));
});

const statusCounts = () =>
  sandbox.requests.reduce<Record<string, number>>((acc, r) => {
    acc[String(r.status)] = (acc[String(r.status)] ?? 0) + 1;
    return acc;
  }, {});

/** Milliseconds until `n` missed calls are recorded (or `timeoutMs`, whichever comes first). */
async function waitForMissedCalls(n: number, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from missed_calls`.execute(db.db);
    if (rows[0]!.n >= n) return Date.now() - started;
    await sleep(100);
  }
  return timeoutMs;
}

describe.skipIf(!onPostgres)('GHL outage', () => {
  it('steps wait through 5xx, 429, timeouts and garbled answers, then each runs once', async () => {
    const locationIds = locations.map((l) => l.location.id);
    // First fault that matches wins: one send whose answer arrives after the client gave up (GHL did act on it),
    // two that never answer, then 503 for every send; tasks get 429; contact reads get garbage for a while.
    sandbox.faults.add({
      method: 'POST',
      path: '/conversations/messages',
      kind: 'latency',
      latencyMs: 10_500,
      times: 1,
    });
    sandbox.faults.add({ method: 'POST', path: '/conversations/messages', kind: 'timeout', times: 2 });
    sandbox.faults.add({ method: 'POST', path: '/conversations/messages', kind: '5xx' });
    sandbox.faults.add({ method: 'POST', path: /^\/contacts\/[^/]+\/tasks$/, kind: '429', retryAfterSeconds: 3 });
    sandbox.faults.add({ method: 'GET', path: /^\/contacts\/[^/]+$/, kind: 'malformed', times: 15 });
    const feeder = new Feeder(sandbox, () => [child.url]);
    const outageStart = Date.now();
    await feeder.feed(CALLS, 20, (i) => {
      const index = i % LOCATIONS;
      const l = locations[index]!;
      return { locationId: l.location.id, from: callerPhone(50 + index, i), to: adsLine(l) };
    });
    // Ingestion needs no GHL: a hanging GHL must not hold the webhooks up behind it.
    const ingestedAfterMs = await waitForMissedCalls(CALLS, 10_000);
    await sleep(OUTAGE_MS - (Date.now() - outageStart));
    const during = sentInSandbox(sandbox, locationIds);
    const { rows: waiting } = await sql<{ n: number }>`
      select count(*)::int as n from run_steps where state in ('pending', 'sending')`.execute(db.db);
    sandbox.faults.clear();
    const settleMs = await waitForQuiet(db, 90_000);
    const a = await audit(db, sandbox, feeder.calls);
    const { rows: retried } = await sql<{ n: number; max: number }>`
      select count(*)::int as n, max(attempts)::int as max from jobs where kind = 'followup.step' and attempts > 1`.execute(
      db.db,
    );
    report('ghl-outage', {
      callsFed: CALLS,
      outageSeconds: OUTAGE_MS / 1000,
      sentDuringOutage: during.messages + during.tasks,
      ingestedWithinSeconds: ingestedAfterMs / 1000,
      stepsWaitingAtEndOfOutage: waiting[0]!.n,
      stepJobsRetried: retried[0]!.n,
      maxAttempts: retried[0]!.max,
      ghlAnswers: statusCounts(),
      stepStates: a.stepStates,
      outcomesRecorded: a.missedCallRows - a.withoutOutcome,
      duplicatesFound: a.duplicateMessages + a.duplicateTasks,
      settleSeconds: Math.round(settleMs / 100) / 10,
    });

    expect(ingestedAfterMs).toBeLessThan(10_000);
    // Only the send whose answer was lost got through; the rest waited.
    expect(during.messages + during.tasks).toBeLessThanOrEqual(1);
    expect(waiting[0]!.n).toBeGreaterThan(CALLS);
    expect(retried[0]!.n).toBeGreaterThan(0);
    // Afterwards everything ran, once: the lost answer was found in GHL instead of being sent again.
    expect(a.stepStates).toEqual({ done: CALLS * 3 });
    expect(a.withoutOutcome).toBe(0);
    expect({ messages: a.duplicateMessages, tasks: a.duplicateTasks }).toEqual({ messages: 0, tasks: 0 });
    expect(a.messagesSent).toBe(CALLS * 2);
    expect(a.tasksCreated).toBe(CALLS);
    expect(a.deadJobs).toBe(0);
  });

  it('work that keeps failing ends in dead-letter with its error, and the step shows failed', async () => {
    const l = locations[0]!;
    const feeder = new Feeder(sandbox, () => [child.url]);
    const call = await feeder.place(l.location.id, callerPhone(60, 1), adsLine(l));
    sandbox.faults.add({ method: 'POST', path: `/contacts/${call.contactId}/tasks`, kind: '5xx', status: 500 });
    const taskStep = () =>
      db.db
        .selectFrom('run_steps')
        .select(['id'])
        .where('contact_id', '=', call.contactId)
        .where('step_id', '=', 'callback-task')
        .executeTakeFirst();
    let step = await taskStep();
    for (let i = 0; !step && i < 100; i++) {
      await sleep(100);
      step = await taskStep();
    }
    if (!step) throw new Error('the call never started a run');
    // The backoff (2, 4 … 128 s) is the product's; the test moves the job's due time instead of waiting 4 min.
    const key = `step:${step.id}`;
    const until = Date.now() + 60_000;
    let job = await db.db.selectFrom('jobs').selectAll().where('unique_key', '=', key).executeTakeFirstOrThrow();
    while (job.state !== 'dead' && Date.now() < until) {
      await db.db
        .updateTable('jobs')
        .set({ run_at: new Date() })
        .where('unique_key', '=', key)
        .where('state', '=', 'pending')
        .execute();
      await sleep(200);
      job = await db.db.selectFrom('jobs').selectAll().where('unique_key', '=', key).executeTakeFirstOrThrow();
    }
    await waitForQuiet(db, 30_000);
    sandbox.faults.clear();
    const steps = await db.db
      .selectFrom('run_steps')
      .select(['step_id', 'state', 'reason'])
      .where('contact_id', '=', call.contactId)
      .execute();
    const events = await db.db
      .selectFrom('run_events')
      .innerJoin('runs', 'runs.id', 'run_events.run_id')
      .select(['run_events.kind', 'run_events.step_id', 'run_events.detail'])
      .where('runs.contact_id', '=', call.contactId)
      .where('run_events.kind', '=', 'step-failed')
      .execute();
    const run = await db.db
      .selectFrom('runs')
      .select(['status', 'outcome'])
      .where('contact_id', '=', call.contactId)
      .executeTakeFirstOrThrow();
    report('ghl-dead-letter', { attempts: job.attempts, state: job.state, lastError: job.last_error });

    expect(job).toMatchObject({ state: 'dead', attempts: 8 });
    expect(job.last_error).toMatch(/POST \/contacts\/.+\/tasks: 500/);
    const task = steps.find((s) => s.step_id === 'callback-task');
    expect(task?.state).toBe('failed');
    expect(task?.reason).toMatch(/^gave up: .*500/);
    expect(events).toEqual([expect.objectContaining({ step_id: 'callback-task' })]);
    // The rest of the sequence still ran, and the run still ended with an outcome.
    expect(steps.filter((s) => s.step_id !== 'callback-task').map((s) => s.state)).toEqual(['done', 'done']);
    expect(run).toEqual({ status: 'ended', outcome: 'lost' });
  });
});
