/**
 * `npm run triage:eval [-- --set=<file>] [--misses] [--write]`: precision and recall of each reply-triage class on
 * a labelled set: test/fixtures/triage/holdout.jsonl by default, the replies written after the rules were fixed and
 * never tuned on, from which the gates follow (replies.jsonl, the set the rules were written against, flatters
 * them). Exits 1 when the set
 * is malformed, 2 when the committed gates (src/followup/triage-gates.json) no longer follow from the gating set;
 * --write rewrites them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { evaluateTriage, MalformedSetError, parseReplies } from '../followup/triage-eval.js';
import { COMMITTED_GATES, type GatedClass, gatesFrom, MIN_PRECISION } from '../followup/triage-gates.js';
import { TRIAGE_CLASSES } from '../core/triage.js';

const argv = process.argv.slice(2);
const GATING_SET = 'test/fixtures/triage/holdout.jsonl';
const setPath = argv.find((a) => a.startsWith('--set='))?.slice('--set='.length) ?? GATING_SET;
const gatesPath = new URL('../followup/triage-gates.json', import.meta.url);

let replies: ReturnType<typeof parseReplies>;
try {
  replies = parseReplies(readFileSync(setPath, 'utf8'));
} catch (error) {
  const why = error instanceof MalformedSetError ? error.message : String(error);
  process.stderr.write(`triage:eval: ${setPath} is malformed:\n${why}\n`);
  process.exit(1);
}

const evaluation = evaluateTriage(replies);
const gates = gatesFrom(evaluation);
// On another set the column shows the committed gates: they follow from the gating set alone.
const shown = setPath === GATING_SET ? gates : COMMITTED_GATES;
const out: string[] = [`${evaluation.total} replies from ${setPath}`, ''];
out.push('| class | replies | precision | recall | acts alone |', '|---|---:|---:|---:|---|');
for (const c of TRIAGE_CLASSES) {
  const s = evaluation.scores[c];
  const acts =
    c === 'opt-out'
      ? 'compliance rules'
      : c === 'other'
        ? '(no action)'
        : shown[c as GatedClass].acts
          ? 'yes'
          : 'no: asks a human';
  out.push(`| ${c} | ${s.support} | ${s.precision.toFixed(3)} | ${s.recall.toFixed(3)} | ${acts} |`);
}
out.push('', `A class under ${MIN_PRECISION} precision asks a human instead of acting.`);
if (argv.includes('--misses'))
  for (const m of evaluation.misses) out.push(`  ${m.label} -> ${m.predicted}: ${JSON.stringify(m.text)}`);
process.stdout.write(`${out.join('\n')}\n`);

if (argv.includes('--write') && setPath === GATING_SET) {
  writeFileSync(gatesPath, `${JSON.stringify(gates, null, 2)}\n`);
  process.stdout.write(`wrote ${gatesPath.pathname}\n`);
} else if (setPath === GATING_SET && JSON.stringify(gates) !== JSON.stringify(COMMITTED_GATES)) {
  process.stderr.write('triage:eval: src/followup/triage-gates.json differs from this measurement; run with --write\n');
  process.exit(2);
}
