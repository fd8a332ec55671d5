import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';

/**
 * A run's steps due later wait in its plan, not as step rows and jobs (migrations/0032_run_plan.sql): the rows
 * of steps due 15 minutes to a day after the call were most of what a missed call stored (docs/design.md, "A
 * run's plan"). Each worker schedules the plans coming due every PLAN_FEED_EVERY_MS of product time, for what is
 * due within PLAN_AHEAD_MS: a step's row and job exist at least a minute and a half before it is due, so it runs
 * at its time as it did when the call made it. Several instances feed at once without harm: each run is
 * scheduled under its row lock, skipped while another holds it, and a step row and its job are unique.
 */
export const PLAN_FEED_EVERY_MS = 30_000;
export const PLAN_AHEAD_MS = 2 * 60_000;
// Runs scheduled per statement: one statement holds their row locks until it commits.
const FEED_BATCH = 200;

/** A step of the sequence for one call, as the missed call plans it. */
export interface PlannedStep {
  ord: number;
  step_id: string;
  action: string;
  due_at: Date;
}

/** A planned step kept in the run's row: [step id, action, due time]. */
export type LaterStep = [string, string, string];

/**
 * The steps due within PLAN_AHEAD_MS of `now`, made with the call, and the rest for the run's plan, in due order.
 */
export function splitPlan(steps: readonly PlannedStep[], now: Date): { soon: PlannedStep[]; later: LaterStep[] } {
  const horizon = now.getTime() + PLAN_AHEAD_MS;
  const soon = steps.filter((s) => s.due_at.getTime() <= horizon);
  const later = steps
    .filter((s) => s.due_at.getTime() > horizon)
    .sort((a, b) => a.due_at.getTime() - b.due_at.getTime() || a.ord - b.ord)
    .map((s): LaterStep => [s.step_id, s.action, s.due_at.toISOString()]);
  return { soon, later };
}

/** Schedules every plan due within PLAN_AHEAD_MS of `now`; returns how many runs it scheduled. */
export async function feedPlans(db: Kysely<Database>, now: Date): Promise<number> {
  const until = new Date(now.getTime() + PLAN_AHEAD_MS);
  let total = 0;
  for (;;) {
    const { rows } = await sql<{ n: number }>`
      select ringback_feed_plans(${until}::timestamptz, ${now}::timestamptz, ${FEED_BATCH}::int) as n`.execute(db);
    const n = Number(rows[0]?.n ?? 0);
    total += n;
    if (n < FEED_BATCH) return total;
  }
}
