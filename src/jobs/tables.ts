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
