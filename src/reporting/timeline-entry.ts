/** One line of a run's timeline: a step (sent, skipped, failed with the last error, pending) or an event. */
export type TimelineEntry = StepEntry | EventEntry;

export interface StepEntry {
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

export interface EventEntry {
  type: 'event';
  at: string;
  kind: string;
  stepId: string | null;
  detail: unknown;
}
