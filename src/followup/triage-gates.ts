/**
 * Which triage classes act on their own. A class whose precision on the held-out set (replies the rules were never
 * tuned on, test/fixtures/triage/holdout.jsonl) is under 0.95 asks a human
 * instead (a task "confirm: looks like …"): acting wrongly on a reply (suppressing a real caller as a wrong number,
 * paging the owner for nothing) costs more than a rep's glance.
 *
 * The decision is data (triage-gates.json), written by `npm run triage:eval -- --write` from the measured
 * precision; test/followup/triage-eval.test.ts recomputes it from the rules and the set and fails when the file
 * differs, so a rule change that lowers a class's precision cannot leave it acting alone.
 *
 * `opt-out` is not gated here: the compliance rules decide it (opt-out.ts: a clear opt-out stops texts, a possible
 * one holds them for a rep). `other` takes no action.
 */
import gates from './triage-gates.json' with { type: 'json' };
import type { TriageEval } from './triage-eval.js';

export const MIN_PRECISION = 0.95;

/** The classes that act on a reply by themselves, and so are gated. */
export const GATED_CLASSES = ['emergency', 'book', 'price', 'wrong-number'] as const;
export type GatedClass = (typeof GATED_CLASSES)[number];

export type Gate = { precision: number; acts: boolean };
export type Gates = Record<GatedClass, Gate>;

/** The gates as the rules and the set imply them. */
export function gatesFrom(evaluation: TriageEval): Gates {
  return Object.fromEntries(
    GATED_CLASSES.map((c) => {
      const precision = evaluation.scores[c].precision;
      return [c, { precision, acts: precision >= MIN_PRECISION }];
    }),
  ) as Gates;
}

/** The committed gates, read by the reply path. */
export const COMMITTED_GATES: Gates = gates as Gates;

/** Whether a reply of this class is acted on without a human confirming. */
export function actsAlone(triageClass: GatedClass, committed: Gates = COMMITTED_GATES): boolean {
  return committed[triageClass].acts;
}
