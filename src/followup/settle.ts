// Speed: one round trip for every branch; recording a send and finishing the run was ten as separate statements (commit 171b450, migrations/0005_run_functions.sql).
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';
import { PREPARED } from '../db/prepared.js';
import type { StopReason } from '../core/decide.js';
import type { StepState } from './tables.js';

/** What a step met that ends its run (the outcome each gives is ringback_run_end_rule's). */
export type StopCondition = StopReason | 'uninstalled' | 'install-revoked';

export interface Settlement {
  runStepId: number;
  /** The states the step may leave; in any other state the settle is a no-op (another attempt settled it). */
  from: readonly StepState[];
  to: StepState;
  /** Stored on the step: why it is in its state. */
  reason: string | null;
  /** The step's one event on the run's timeline. */
  event: { kind: string; detail: Record<string, unknown> };
  at: Date;
  /** GHL's id of the message or task, for a step done. */
  ghlId?: string | null;
  /** This attempt asked GHL what happened since the call (rest-check.ts): the run's later steps need not. */
  restChecked?: boolean;
  stop?: StopCondition | null;
  /** The job carrying this step, recorded done with the settle (its `recorded` turns true once it is). */
  job?: JobMark;
}

/** A step job's worker hold; `recorded`: the settle recorded it done, the worker need not (jobs/registry.ts). */
export interface JobMark {
  id: number;
  workerId: string;
  recorded: boolean;
}

/**
 * The one way a step settles, whichever branch it took (sent, skipped, stopped, failed, sent back to be decided
 * again): lock the run, move the step, record its event, end the run when the rules say so. All of it, and the
 * rules that end a run, are ringback_settle_step and ringback_run_end_rule (migrations/0015_settle_step.sql): one
 * round trip, with the step count taken under the run's lock. False when the step was not in `from`.
 */
export async function settleStep(db: Kysely<Database>, s: Settlement): Promise<boolean> {
  const job = s.job ? sql`, ${s.job.id}::bigint, ${s.job.workerId}::text` : sql``;
  const { rows } = await sql<{ settled: boolean }>`${sql.raw(PREPARED)}select ringback_settle_step(${s.runStepId},
    ${s.from.join(',')}, ${s.to}, ${s.reason}, ${s.ghlId ?? null}, ${s.event.kind}, ${JSON.stringify(s.event.detail)}::jsonb,
    ${s.at}, ${s.restChecked ?? false}, ${s.stop ?? null}${job}) as settled`.execute(db);
  if (s.job) s.job.recorded = true;
  return rows[0]?.settled === true;
}
