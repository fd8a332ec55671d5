/** What happened in a run, in order: its steps (sent, skipped, failed with the last error) and its events. */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { callEntriesOf } from './call-entries.js';

export type TimelineEntry =
  | {
      type: 'step';
      at: string;
      stepId: string;
      action: string;
      state: string;
      dueAt: string;
      doneAt: string | null;
      reason: string | null;
      summary: string | null;
    }
  | { type: 'event'; at: string; kind: string; stepId: string | null; detail: unknown };

export async function timelineOf(
  db: Kysely<Database>,
  locationId: string,
  runIds: number[],
): Promise<Map<number, TimelineEntry[]>> {
  const out = new Map<number, TimelineEntry[]>();
  if (runIds.length === 0) return out;
  const [steps, events, calls] = await Promise.all([
    db
      .selectFrom('run_steps')
      .select(['run_id', 'step_id', 'action', 'state', 'due_at', 'intent_at', 'done_at', 'reason', 'rendered'])
      .where('location_id', '=', locationId)
      .where('run_id', 'in', runIds)
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
  for (const { runId, ...entry } of calls) push(runId, entry);
  for (const e of events) {
    push(e.run_id, { type: 'event', at: e.at.toISOString(), kind: e.kind, stepId: e.step_id, detail: e.detail });
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
    if (typeof value === 'string' && value !== '') return value.length > 500 ? `${value.slice(0, 500)}…` : value;
  }
  return null;
}
