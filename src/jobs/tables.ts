import type { ColumnType, Generated } from 'kysely';

export type JobState = 'pending' | 'running' | 'done' | 'dead';

export interface JobsTable {
  id: Generated<number>;
  kind: string;
  payload: ColumnType<unknown, string, string>;
  state: ColumnType<JobState, JobState | undefined, JobState>;
  run_at: Date;
  attempts: ColumnType<number, number | undefined, number>;
  max_attempts: ColumnType<number, number | undefined, number>;
  unique_key: string | null;
  location_id: string | null;
  locked_by: string | null;
  locked_at: Date | null;
  last_error: string | null;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
}

export interface JobsTables {
  jobs: JobsTable;
}

/** The claim lanes (lanes.ts). */
export type LaneName = 'intake' | 'outbound';

/** A job as a claim returns it, claimed by the worker that runs it (queries.ts claimLane, hand-off.ts). */
export interface ClaimedJob {
  id: number;
  kind: string;
  payload: unknown;
  attempts: number;
  max_attempts: number;
  location_id: string | null;
  run_at: Date;
}

/** A slot of a lane kept for one job a statement claims as it makes it (hand-off.ts). */
export interface HandOff {
  /** Who the statement claims the job for (jobs.locked_by). */
  workerId: string;
  /** Runs the job the statement claimed, in the slot kept for it. */
  take(job: ClaimedJob): void;
  /** The statement claimed nothing (or failed): the slot is free again. */
  release(): void;
}

/** A slot of the lane kept for one job, or null when the worker is not running or the lane has none free. */
export type ReserveHandOff = (lane: LaneName) => HandOff | null;
