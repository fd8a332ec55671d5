import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TRIAGE_CLASSES } from '../../src/core/triage.js';
import { evaluateTriage, MalformedSetError, parseReplies } from '../../src/followup/triage-eval.js';
import {
  actsAlone,
  COMMITTED_GATES,
  GATED_CLASSES,
  gatesFrom,
  MIN_PRECISION,
} from '../../src/followup/triage-gates.js';

const SET = 'test/fixtures/triage/replies.jsonl';
const replies = parseReplies(readFileSync(SET, 'utf8'));

function runEval(...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/triage-eval.ts', ...args], { encoding: 'utf8' });
}

describe('the labelled replies', () => {
  it('hold at least 300 replies, every class well represented, English and Spanish', () => {
    expect(replies.length).toBeGreaterThanOrEqual(300);
    for (const cls of TRIAGE_CLASSES) {
      const ofClass = replies.filter((r) => r.label === cls);
      expect(ofClass.length, cls).toBeGreaterThanOrEqual(30);
      expect(
        ofClass.some((r) =>
          /[ñáéíóú¿¡]|\b(?:por favor|gracias|cita|cuanto|numero|mensajes|urgente|no me|quiero|llam)/i.test(r.text),
        ),
        `${cls} has Spanish`,
      ).toBe(true);
    }
    expect(replies.some((r) => /\p{Extended_Pictographic}/u.test(r.text))).toBe(true);
  });
});

describe('npm run triage:eval', () => {
  it('prints precision and recall of every class and exits 0 on the committed set', () => {
    const r = runEval();
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const cls of TRIAGE_CLASSES)
      expect(r.stdout).toMatch(new RegExp(`^\\| ${cls} \\| \\d+ \\| [01]\\.\\d{3} \\| [01]\\.\\d{3} \\|`, 'm'));
  });

  it('exits 1 and names the lines of a malformed set', () => {
    const dir = mkdtempSync(join(tmpdir(), 'triage-'));
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(
      bad,
      '{"text":"stop","label":"opt-out"}\n{"text":"hi","label":"greeting"}\nnot json\n{"text":"STOP","label":"opt-out"}\n',
    );
    const r = runEval(`--set=${bad}`);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('line 2: "label" must be one of');
    expect(r.stderr).toContain('line 3: not JSON');
    expect(r.stderr).toContain('line 4: repeats an earlier text');
  });

  it('rejects an empty set and a row with a missing text', () => {
    expect(() => parseReplies('\n\n')).toThrow(MalformedSetError);
    expect(() => parseReplies('{"label":"book"}')).toThrow(/"text" must be a non-empty string/);
  });
});

const holdout = parseReplies(readFileSync('test/fixtures/triage/holdout.jsonl', 'utf8'));

describe('the gating rule', () => {
  it('the committed gates are exactly what the rules measure on the held-out set (regenerate with npm run triage:eval -- --write)', () => {
    expect(COMMITTED_GATES).toEqual(gatesFrom(evaluateTriage(holdout)));
  });

  it('price questions, under 0.95 on the held-out set, ask a human', () => {
    expect(evaluateTriage(holdout).scores.price.precision).toBeLessThan(MIN_PRECISION);
    expect(actsAlone('price')).toBe(false);
  });

  it('a class acts alone only when its measured precision is at least 0.95', () => {
    for (const cls of GATED_CLASSES) {
      expect(actsAlone(cls)).toBe(COMMITTED_GATES[cls].precision >= MIN_PRECISION);
    }
    const evaluation = evaluateTriage(replies);
    evaluation.scores.book.precision = 0.94;
    const gates = gatesFrom(evaluation);
    expect(actsAlone('book', gates)).toBe(false);
    expect(actsAlone('price', gates)).toBe(evaluation.scores.price.precision >= MIN_PRECISION);
  });
});

describe('the held-out replies', () => {
  it('parse as a well-formed set of their own', () => {
    expect(holdout.length).toBeGreaterThanOrEqual(60);
    const seen = new Set(replies.map((r) => r.text.trim().toLowerCase()));
    expect(holdout.filter((r) => seen.has(r.text.trim().toLowerCase()))).toEqual([]);
  });
});
