/** What happened in a run, in order: its steps (sent, skipped, failed with the last error) and its events. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { attributionTags } from '../core/attribution.js';
import { callEntriesOf } from './call-entries.js';
import { archivedEvents, archivedSteps, cutWords } from './timeline-archive.js';
import type { TimelineEntry } from './timeline-entry.js';

export type { TimelineEntry };

export async function timelineOf(
  db: Kysely<Database>,
  locationId: string,
  runIds: number[],
): Promise<Map<number, TimelineEntry[]>> {
  const out = new Map<number, TimelineEntry[]>();
  if (runIds.length === 0) return out;
  const [steps, events, calls, runs] = await Promise.all([
    db
      .selectFrom('run_steps')
      .select(['run_id', 'step_id', 'action', 'state', 'due_at', 'intent_at', 'done_at', 'reason', 'rendered'])
      .where('location_id', '=', locationId)
      .where('run_id', 'in', runIds)
      .orderBy('id')
      .execute(),
    db
      .selectFrom('run_events as e')
      .innerJoin('runs as r', 'r.id', 'e.run_id')
      .select(['e.id', 'e.run_id', 'e.at', 'e.kind', 'e.step_id', 'e.detail'])
      .where('r.location_id', '=', locationId)
      .where('e.run_id', 'in', runIds)
      // The calls are read from their rows (call-entries.ts): these events are deleted after the retention period.
      .where('e.kind', 'not in', ['missed-call', 'repeat-call'])
      .orderBy('e.at')
      .orderBy('e.id')
      .limit(runIds.length * 200)
      .execute(),
    callEntriesOf(db, locationId, runIds),
    db
      .selectFrom('runs')
      .select([
        'id',
        'status',
        'outcome',
        'outcome_reason',
        'outcome_at',
        'plan',
        'source_tag',
        'high_value',
        'assigned_user_id',
        'tagged_at',
        'assigned_via',
        'started_at',
        'archive',
      ])
      .where('location_id', '=', locationId)
      .where('id', 'in', runIds)
      .execute(),
  ]);
  const push = (runId: number, entry: TimelineEntry) => {
    const list = out.get(runId) ?? [];
    list.push(entry);
    out.set(runId, list);
  };
  for (const s of steps) {
    push(s.run_id, {
      type: 'step',
      at: (s.done_at ?? s.intent_at ?? s.due_at).toISOString(),
      stepId: s.step_id,
      action: s.action,
      state: s.state,
      dueAt: s.due_at.toISOString(),
      doneAt: s.done_at ? s.done_at.toISOString() : null,
      reason: s.reason,
      summary: summaryOf(s.rendered),
    });
  }
  // A run past retention keeps its steps and events in its row (src/retention/run-archive.ts); pushed where their
  // rows were (steps before the plan, events after the rows left), so that entries at the same time keep their order.
  for (const r of runs) {
    if (r.archive) for (const entry of archivedSteps(r.started_at, r.archive)) push(r.id, entry);
  }
  // Steps not scheduled yet (src/followup/plan-feed.ts) read as the step rows they become: pending while the run
  // is active; once it ended, stopped as ringback_end_run stops a step row.
  for (const r of runs) {
    for (const [stepId, action, due] of r.plan ?? []) {
      const stopped = r.status === 'ended';
      push(r.id, {
        type: 'step',
        at: stopped && r.outcome_at ? r.outcome_at.toISOString() : new Date(due).toISOString(),
        stepId,
        action,
        state: stopped ? 'stopped' : 'pending',
        dueAt: new Date(due).toISOString(),
        doneAt: stopped && r.outcome_at ? r.outcome_at.toISOString() : null,
        reason: stopped ? `run ${r.outcome}: ${r.outcome_reason}` : null,
        summary: null,
      });
    }
  }
  for (const { runId, ...entry } of calls) push(runId, entry);
  for (const e of events) {
    push(e.run_id, { type: 'event', at: e.at.toISOString(), kind: e.kind, stepId: e.step_id, detail: e.detail });
  }
  for (const r of runs) {
    if (r.archive) for (const entry of archivedEvents(r.started_at, r.archive)) push(r.id, entry);
  }
  // The attribution's tagging, kept on the run (migrations/0032_run_plan.sql), reads as the event it was, after
  // the events of its time as its row came after theirs: the tags it put on the contact, and the rep it routed
  // to (one routed later, when the attribution found nobody, was not its).
  for (const r of runs) {
    if (!r.tagged_at) continue;
    push(r.id, {
      type: 'event',
      at: r.tagged_at.toISOString(),
      kind: 'tagged',
      stepId: null,
      detail: {
        tags: attributionTags(r.source_tag, r.high_value),
        assignedTo: r.assigned_via === 'none' ? null : r.assigned_user_id,
        via: r.assigned_via,
      },
    });
  }
  for (const list of out.values()) list.sort((a, b) => a.at.localeCompare(b.at));
  return out;
}

/** The words a step sent: the text of an SMS, the title of a task, the subject of an email. */
function summaryOf(rendered: unknown): string | null {
  if (typeof rendered !== 'object' || rendered === null) return typeof rendered === 'string' ? rendered : null;
  const r = rendered as Record<string, unknown>;
  for (const key of ['message', 'title', 'subject', 'body']) {
    const value = r[key];
    if (typeof value === 'string' && value !== '') return cutWords(value);
  }
  return null;
}
