// Steps as the owner sees them: numbered in time order, named by kind and wait, never by their id.
// Waits read and said as the server reads and says them (src/core/shared/duration.js), served as is.
import { formatDurationWords, parseDuration } from '/app/core/duration.js';

export const KIND_LABELS = { sms: 'Text message', task: 'Callback task', email: 'Email' };

/** Whether the sequence is in time order (every wait counts from the missed call). */
export function inTimeOrder(sequence) {
  return sequence.every(
    (s, i) => i === 0 || (parseDuration(sequence[i - 1].after) ?? 0) <= (parseDuration(s.after) ?? 0),
  );
}

/** Sorts in place by wait, ties keeping their order (as the server does on save). */
export function sortByTime(sequence) {
  const sorted = sequence
    .map((step, i) => ({ step, i, ms: parseDuration(step.after) ?? 0 }))
    .sort((a, b) => a.ms - b.ms || a.i - b.i)
    .map((x) => x.step);
  sequence.splice(0, sequence.length, ...sorted);
  return sequence;
}

/** "Step 2 · Text message"; with `when`, "Step 2 · Text message, 2 minutes after the call". */
export function stepName(sequence, id, { when = false } = {}) {
  const i = sequence.findIndex((s) => s.id === id);
  if (i < 0) return 'A removed step';
  const step = sequence[i];
  const name = `Step ${i + 1} · ${KIND_LABELS[step.action] ?? step.action}`;
  if (!when) return name;
  const ms = parseDuration(step.after);
  const wait = ms === null ? '' : ms === 0 ? ', right after the call' : `, ${formatDurationWords(ms)} after the call`;
  return `${name}${wait}`;
}
