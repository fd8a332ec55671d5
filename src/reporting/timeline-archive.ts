/**
 * The timeline entries of a run's archive (src/retention/run-archive.ts): the same entries its step and event rows
 * gave before retention folded them into the run's row.
 */
import type { RunArchive } from '../followup/tables.js';
import type { EventEntry, StepEntry } from './timeline-entry.js';

/** The words the timeline shows of a step: 500 characters at most, then an ellipsis. */
export function cutWords(value: string): string {
  return value.length > 500 ? `${value.slice(0, 500)}…` : value;
}

export function archivedSteps(startedAt: Date, archive: RunArchive): StepEntry[] {
  const iso = isoAfter(startedAt);
  return archive[0].map(([stepId, action, state, due, done, words, reason, intent]) => ({
    type: 'step',
    at: iso(due + (done ?? intent ?? 0)),
    stepId,
    action,
    state,
    dueAt: iso(due),
    doneAt: done == null ? null : iso(due + done),
    reason: reason ?? null,
    summary: words ? cutWords(words) : null,
  }));
}

export function archivedEvents(startedAt: Date, archive: RunArchive): EventEntry[] {
  const iso = isoAfter(startedAt);
  return archive[1].map(([kind, at, detail, stepId]) => ({
    type: 'event',
    at: iso(at),
    kind,
    stepId: stepId ?? null,
    detail: detail ?? {},
  }));
}

const isoAfter = (startedAt: Date) => (ms: number) => new Date(startedAt.getTime() + ms).toISOString();
