import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/create-db.js';
import type { StopReason } from '../../src/core/decide.js';
import { type OutsideStop, stopRun } from '../../src/followup/runs.js';
import { type Settlement, type StopCondition, settleStep } from '../../src/followup/settle.js';
import type { StepAction, StepState } from '../../src/followup/tables.js';
import { freshDb } from '../helpers/db.js';

/**
 * The one settle (migrations/0015_settle_step.sql) and the rules that end a run, on the database itself: every
 * branch of a step (sent, skipped, stopped, failed, sent back) is a call of it with other arguments, so its rules
 * are theirs. test/followup/settle-paths.test.ts drives the branches through the engine.
 */
let db: Db;
beforeAll(async () => {
  db = await freshDb();
});
afterAll(async () => {
  await db?.close();
});

const AT = new Date('2026-01-05T15:00:00Z');
let seq = 0;

/** A run with one step per entry, in the states given. */
async function runWith(steps: { action: StepAction; state: StepState; reason?: string }[]) {
  seq += 1;
  const contact = `con_${seq}`;
  const run = await db.db
    .insertInto('runs')
    .values({
      location_id: 'loc_s',
      contact_id: contact,
      status: 'active',
      started_at: AT,
      created_at: AT,
      updated_at: AT,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const ids: number[] = [];
  for (const [i, s] of steps.entries()) {
    const row = await db.db
      .insertInto('run_steps')
      .values({
        run_id: run.id,
        location_id: 'loc_s',
        contact_id: contact,
        step_id: s.action === 'escalation' ? 'escalation' : `step-${i}`,
        action: s.action,
        due_at: AT,
        state: s.state,
        reason: s.reason ?? null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    ids.push(row.id);
  }
  return { runId: run.id, ids };
}

async function runOf(runId: number) {
  return db.db
    .selectFrom('runs')
    .select(['status', 'outcome', 'outcome_reason', 'first_followup_at', 'escalated_at', 'rest_checked_at'])
    .where('id', '=', runId)
    .executeTakeFirstOrThrow();
}

async function eventsOf(runId: number) {
  return db.db.selectFrom('run_events').select(['kind', 'step_id']).where('run_id', '=', runId).orderBy('id').execute();
}

const sent = (runStepId: number): Settlement => ({
  runStepId,
  from: ['sending'],
  to: 'done',
  reason: null,
  ghlId: `msg_${runStepId}`,
  event: { kind: 'sent', detail: {} },
  at: AT,
});
const skipped = (runStepId: number, reason: string): Settlement => ({
  runStepId,
  from: ['pending'],
  to: 'skipped',
  reason,
  event: { kind: 'skipped', detail: { reason } },
  at: AT,
});
const stopped = (runStepId: number, stop: StopCondition): Settlement => ({
  runStepId,
  from: ['pending'],
  to: 'stopped',
  reason: stop,
  event: { kind: 'stopped', detail: { reason: stop } },
  at: AT,
  stop,
});
const failed = (runStepId: number): Settlement => ({
  runStepId,
  from: ['pending', 'sending'],
  to: 'failed',
  reason: 'gave up: 503',
  event: { kind: 'step-failed', detail: { error: '503' } },
  at: AT,
});

describe('settling a step', () => {
  it('ends the run exactly when its last open step settles, whatever the branch: lost when a message went', async () => {
    const { runId, ids } = await runWith([
      { action: 'sms', state: 'sending' },
      { action: 'task', state: 'pending' },
      { action: 'email', state: 'pending' },
      { action: 'sms', state: 'sending' },
    ]);
    expect(await settleStep(db.db, sent(ids[0]!))).toBe(true);
    expect(await settleStep(db.db, skipped(ids[2]!, 'dnd-email'))).toBe(true);
    expect(await settleStep(db.db, failed(ids[3]!))).toBe(true);
    expect(await runOf(runId)).toMatchObject({ status: 'active', outcome: null, first_followup_at: AT });
    expect(await settleStep(db.db, failed(ids[1]!))).toBe(true);
    expect(await runOf(runId)).toMatchObject({ status: 'ended', outcome: 'lost', outcome_reason: 'sequence-ended' });
    // One event per settle, and the run's end once.
    expect(await eventsOf(runId)).toEqual([
      { kind: 'sent', step_id: 'step-0' },
      { kind: 'skipped', step_id: 'step-2' },
      { kind: 'step-failed', step_id: 'step-3' },
      { kind: 'step-failed', step_id: 'step-1' },
      { kind: 'run-ended', step_id: null },
    ]);
  });

  it('a second settle of the same step is a no-op: no event, no state change', async () => {
    const { runId, ids } = await runWith([
      { action: 'sms', state: 'sending' },
      { action: 'task', state: 'pending' },
    ]);
    expect(await settleStep(db.db, sent(ids[0]!))).toBe(true);
    expect(await settleStep(db.db, sent(ids[0]!))).toBe(false);
    expect(await settleStep(db.db, failed(ids[0]!))).toBe(false);
    expect(await settleStep(db.db, skipped(ids[0]!, 'dnd-sms'))).toBe(false);
    const step = await db.db
      .selectFrom('run_steps')
      .select(['state', 'ghl_id'])
      .where('id', '=', ids[0]!)
      .executeTakeFirst();
    expect(step).toEqual({ state: 'done', ghl_id: `msg_${ids[0]}` });
    expect(await eventsOf(runId)).toEqual([{ kind: 'sent', step_id: 'step-0' }]);
    expect((await runOf(runId)).status).toBe('active');
  });

  it('ends suppressed when every message was skipped: opted-out if one was an opt-out, else DND', async () => {
    const a = await runWith([
      { action: 'sms', state: 'skipped', reason: 'opted-out-sms' },
      { action: 'email', state: 'pending' },
    ]);
    await settleStep(db.db, skipped(a.ids[1]!, 'dnd-email'));
    expect(await runOf(a.runId)).toMatchObject({ outcome: 'suppressed', outcome_reason: 'opted-out' });
    const b = await runWith([
      { action: 'sms', state: 'skipped', reason: 'dnd-sms' },
      { action: 'task', state: 'done' },
      { action: 'email', state: 'pending' },
    ]);
    await settleStep(db.db, skipped(b.ids[2]!, 'dnd-email'));
    expect(await runOf(b.runId)).toMatchObject({ outcome: 'suppressed', outcome_reason: 'dnd' });
  });

  it('an escalation neither keeps the run open nor counts as a message; done, it sets the escalation time', async () => {
    const { runId, ids } = await runWith([
      { action: 'sms', state: 'pending' },
      { action: 'escalation', state: 'sending' },
    ]);
    await settleStep(db.db, sent(ids[1]!));
    expect(await runOf(runId)).toMatchObject({ status: 'active', escalated_at: AT, first_followup_at: null });
    await settleStep(db.db, skipped(ids[0]!, 'dnd-sms'));
    expect(await runOf(runId)).toMatchObject({ outcome: 'suppressed', outcome_reason: 'dnd' });
  });

  it('a stop ends the run at once with the outcome its condition gives, and stops the steps still waiting', async () => {
    const outcomes: Record<StopReason | 'uninstalled', [string, string] | null> = {
      answered: ['recovered', 'connected'],
      replied: ['recovered', 'replied'],
      booked: ['recovered', 'booked'],
      'task-completed': ['recovered', 'callback-completed'],
      'call-returned': ['lost', 'call-returned'],
      'opted-out': ['suppressed', 'opted-out'],
      disabled: ['suppressed', 'disabled'],
      uninstalled: ['suppressed', 'uninstalled'],
      'run-stopped': null,
    };
    for (const [stop, outcome] of Object.entries(outcomes)) {
      const { runId, ids } = await runWith([
        { action: 'sms', state: 'pending' },
        { action: 'task', state: 'pending' },
      ]);
      expect(await settleStep(db.db, stopped(ids[0]!, stop as StopCondition))).toBe(true);
      const run = await runOf(runId);
      if (!outcome) {
        // No rule of its own: the run goes on until the sequence ends it.
        expect(run.status, stop).toBe('active');
        continue;
      }
      expect([run.outcome, run.outcome_reason], stop).toEqual(outcome);
      const other = await db.db
        .selectFrom('run_steps')
        .select(['state', 'reason'])
        .where('id', '=', ids[1]!)
        .executeTakeFirst();
      expect(other).toEqual({ state: 'stopped', reason: `run ${outcome[0]}: ${outcome[1]}` });
      expect(await eventsOf(runId)).toEqual([
        { kind: 'stopped', step_id: 'step-0' },
        { kind: 'run-ended', step_id: null },
      ]);
    }
  });

  it('a stop met outside any step ends the run by the same rule, and only once', async () => {
    const outcomes: Record<OutsideStop, [string, string]> = {
      answered: ['recovered', 'connected'],
      replied: ['recovered', 'replied'],
      booked: ['recovered', 'booked'],
      'task-completed': ['recovered', 'callback-completed'],
      'call-returned': ['lost', 'call-returned'],
      'opted-out': ['suppressed', 'opted-out'],
      disabled: ['suppressed', 'disabled'],
      uninstalled: ['suppressed', 'uninstalled'],
      'install-revoked': ['suppressed', 'install-revoked'],
      'contact-deleted': ['suppressed', 'contact-deleted'],
      'wrong-number': ['suppressed', 'wrong-number'],
    };
    for (const [stop, outcome] of Object.entries(outcomes) as [OutsideStop, [string, string]][]) {
      const { runId, ids } = await runWith([{ action: 'sms', state: 'pending' }]);
      expect(await stopRun(db.db, runId, stop, AT), stop).toBe(true);
      const run = await runOf(runId);
      expect([run.status, run.outcome, run.outcome_reason], stop).toEqual(['ended', ...outcome]);
      const step = await db.db.selectFrom('run_steps').select('state').where('id', '=', ids[0]!).executeTakeFirst();
      expect(step?.state, stop).toBe('stopped');
      expect(await stopRun(db.db, runId, 'opted-out', AT), stop).toBe(false);
      expect(await runOf(runId), stop).toMatchObject({ outcome: outcome[0], outcome_reason: outcome[1] });
    }
  });

  it('a step sent back to be decided again ends nothing, and an attempt that asked GHL marks the run checked', async () => {
    const { runId, ids } = await runWith([{ action: 'sms', state: 'sending' }]);
    const back: Settlement = {
      runStepId: ids[0]!,
      from: ['sending'],
      to: 'pending',
      reason: null,
      event: { kind: 'retry-checked', detail: {} },
      at: AT,
      restChecked: true,
    };
    expect(await settleStep(db.db, back)).toBe(true);
    expect(await runOf(runId)).toMatchObject({ status: 'active', rest_checked_at: AT });
    expect(await eventsOf(runId)).toEqual([{ kind: 'retry-checked', step_id: 'step-0' }]);
  });
});
