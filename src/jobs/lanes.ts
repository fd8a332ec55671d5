/**
 * Claim lanes: the worker claims each lane's jobs with a statement of its own and runs them in slots of its
 * own, so processing a webhook never waits behind jobs that call GHL (a step waiting out GHL's 10 s timeout, a
 * backlog of steps retrying through an outage). Both lanes are rows of the same jobs table: one queue in
 * Postgres, two claims over it, each served by a partial index (migrations/0016_job_lanes.sql).
 */
import { type RawBuilder, sql } from 'kysely';
import type { LaneName } from './tables.js';

export type { LaneName };

/**
 * Kinds of the intake lane: a stored webhook's processing (src/webhooks/process.ts), which writes to the
 * database and never calls GHL (INSTALL excepted: it mints the location's token, once per install). The
 * literal is the index's predicate in migrations/0016_job_lanes.sql: change both together.
 */
export const INTAKE_KINDS: readonly string[] = ['webhook.process'];

export interface Lane {
  name: LaneName;
  /** Jobs of the lane in flight at once, per worker. */
  concurrency: number;
}

export function laneOf(kind: string): LaneName {
  return INTAKE_KINDS.includes(kind) ? 'intake' : 'outbound';
}

/** The claim's filter of a lane: literals, so the planner matches the partial index of its lane. */
export function laneFilter(lane: LaneName): RawBuilder<unknown> {
  const kinds = sql.join(INTAKE_KINDS.map((k) => sql.lit(k)));
  return lane === 'intake' ? sql`kind in (${kinds})` : sql`kind not in (${kinds})`;
}

/**
 * What a lane's claim returns as each job's payload. The intake lane's carries the stored webhook along
 * (`stored`: its type, location, body, arrival and processed time; null when the row is gone), so processing
 * it reads nothing more before it acts (src/webhooks/process.ts): one round trip fewer per webhook.
 */
export function claimedPayload(lane: LaneName): RawBuilder<unknown> {
  if (lane === 'outbound') return sql`payload`;
  return sql`payload || jsonb_build_object('stored', (
    select jsonb_build_object('type', w.type, 'location_id', w.location_id, 'body', w.body,
                              'received_at', w.received_at, 'processed_at', w.processed_at)
    from webhook_inbox w where w.webhook_id = jobs.payload->>'webhookId'))`;
}
