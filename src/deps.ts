import type { Kysely } from 'kysely';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import type { Database } from './db/database.js';
import type { ReserveHandOff } from './jobs/tables.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

/**
 * What every feature may be handed: the process's config, database, clock, logger and counters. The runtime
 * (src/runtime.ts) builds one; tests build the same through it. What speaks to GHL is added in src/ghl/deps.ts.
 */
export interface Deps {
  config: Config;
  db: Kysely<Database>;
  /** The webhook inbox's own connections (src/db/create-db.ts); unset: `db`. */
  intakeDb?: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  /** Webhook signatures verified on libuv's thread pool: set where the database does not share this loop (Postgres). */
  verifyOffLoop?: boolean;
  /** Called after a request enqueued work, so an in-process worker starts it without waiting for a poll. */
  wakeWorker?: () => void;
  /** Keeps a slot of the in-process worker for a job a statement claims as it creates it (src/jobs/hand-off.ts). */
  handOff?: ReserveHandOff;
  /** How the setup checker opens the booking link; unset: a real GET through the private-address guard. */
  linkProbe?: (
    url: string,
  ) => Promise<{ state: 'ok'; status: number } | { state: 'broken' | 'unchecked'; reason: string }>;
}
