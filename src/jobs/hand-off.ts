/**
 * Hand-off: a statement that creates a job, or makes one due, for work this process does next may claim it for
 * the process's own worker in the same round trip, and the worker runs it at once. Before, each such job waited
 * for a claim of its lane (a round trip and a wake-up); at low rates every job of a missed call was claimed
 * alone (README, Benchmark, issue 19). The worker keeps a slot of the job's lane for it while the statement
 * runs, so a lane holds no more jobs than it has slots (one over at most, for a slot kept while a claim was in
 * flight: worker.ts reserve); a statement that finds nothing to claim gives the slot back. A job handed off and then lost with its process stays running until the stale-lock recovery, like any
 * job whose worker died after its claim.
 */
import type { ClaimedJob, HandOff, LaneName, ReserveHandOff } from './tables.js';

export type { HandOff, ReserveHandOff };

/** The job as a statement returns it (jsonb: its run_at is text). */
export function handedOffJob(json: unknown): ClaimedJob | null {
  if (!json || typeof json !== 'object') return null;
  const j = json as Record<string, unknown>;
  if (typeof j['id'] !== 'number' || typeof j['kind'] !== 'string') return null;
  return {
    id: j['id'],
    kind: j['kind'],
    payload: j['payload'],
    attempts: Number(j['attempts']),
    max_attempts: Number(j['max_attempts']),
    location_id: typeof j['location_id'] === 'string' ? j['location_id'] : null,
    run_at: new Date(String(j['run_at'])),
  };
}

/**
 * Runs `statement` with a slot of `lane` kept when one is free (its worker id, or null), then runs the job the
 * statement claimed, or gives the slot back. Returns the statement's own answer.
 */
export async function withHandOff<T>(
  reserve: ReserveHandOff | undefined,
  lane: LaneName,
  statement: (workerId: string | null) => Promise<T>,
  claimed: (answer: T) => unknown,
): Promise<T> {
  const slot = reserve?.(lane) ?? null;
  let answer: T;
  try {
    answer = await statement(slot?.workerId ?? null);
  } catch (err) {
    slot?.release();
    throw err;
  }
  const job = slot ? handedOffJob(claimed(answer)) : null;
  if (job && slot) slot.take(job);
  else slot?.release();
  return answer;
}
