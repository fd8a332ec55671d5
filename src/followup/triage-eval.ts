/**
 * Measures the triage rules on a labelled set of replies (one JSON object a line: {"text","label"}). Pure: the
 * CLI (src/cli/triage-eval.ts) prints it, and a test recomputes it to check the committed gates (triage-gates.ts)
 * still follow from the rules and the set.
 */
import { TRIAGE_CLASSES, type TriageClass, triageReply } from '../core/triage.js';

export interface LabelledReply {
  text: string;
  label: TriageClass;
}

export interface ClassScore {
  support: number;
  predicted: number;
  truePositives: number;
  /** Of the replies the rules put in this class, the share that belong there; 1 when none were put there. */
  precision: number;
  /** Of the replies labelled this class, the share the rules found; 1 when none are labelled so. */
  recall: number;
}

export interface TriageEval {
  total: number;
  scores: Record<TriageClass, ClassScore>;
  misses: { text: string; label: TriageClass; predicted: TriageClass }[];
}

export class MalformedSetError extends Error {}

const CLASSES: ReadonlySet<string> = new Set(TRIAGE_CLASSES);

/** Parses the set; any line that is not {"text": non-empty string, "label": a class}, or a repeated text, throws. */
export function parseReplies(source: string): LabelledReply[] {
  const replies: LabelledReply[] = [];
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const [index, line] of source.split('\n').entries()) {
    if (line.trim() === '') continue;
    const row = parseLine(line);
    if (typeof row === 'string') problems.push(`line ${index + 1}: ${row}`);
    else if (seen.has(row.text.trim().toLowerCase())) problems.push(`line ${index + 1}: repeats an earlier text`);
    else {
      seen.add(row.text.trim().toLowerCase());
      replies.push(row);
    }
  }
  if (problems.length > 0) throw new MalformedSetError(problems.join('\n'));
  if (replies.length === 0) throw new MalformedSetError('the set is empty');
  return replies;
}

/** One labelled reply, or what is wrong with the line. */
function parseLine(line: string): LabelledReply | string {
  let row: unknown;
  try {
    row = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  if (typeof row !== 'object' || row === null || Array.isArray(row)) return 'not an object';
  const { text, label, ...rest } = row as Record<string, unknown>;
  if (typeof text !== 'string' || text.trim() === '') return '"text" must be a non-empty string';
  if (typeof label !== 'string' || !CLASSES.has(label)) return `"label" must be one of ${TRIAGE_CLASSES.join(', ')}`;
  if (Object.keys(rest).length > 0) return `unexpected keys ${Object.keys(rest).join(', ')}`;
  return { text, label: label as TriageClass };
}

/** Precision and recall of each class over the set. */
export function evaluateTriage(replies: readonly LabelledReply[]): TriageEval {
  const counts = Object.fromEntries(
    TRIAGE_CLASSES.map((c) => [c, { support: 0, predicted: 0, truePositives: 0 }]),
  ) as Record<TriageClass, { support: number; predicted: number; truePositives: number }>;
  const misses: TriageEval['misses'] = [];
  for (const reply of replies) {
    const predicted = triageReply(reply.text).class;
    counts[reply.label].support += 1;
    counts[predicted].predicted += 1;
    if (predicted === reply.label) counts[predicted].truePositives += 1;
    else misses.push({ text: reply.text, label: reply.label, predicted });
  }
  const scores = {} as Record<TriageClass, ClassScore>;
  for (const c of TRIAGE_CLASSES) {
    const { support, predicted, truePositives } = counts[c];
    scores[c] = {
      support,
      predicted,
      truePositives,
      precision: predicted === 0 ? 1 : round(truePositives / predicted),
      recall: support === 0 ? 1 : round(truePositives / support),
    };
  }
  return { total: replies.length, scores, misses };
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
