/**
 * A run's calls as timeline entries, read from the missed_calls rows: the same kind, time and detail as the
 * 'missed-call' and 'repeat-call' run events ringback_missed_call wrote until migrations/0032_run_plan.sql, which
 * retention deletes after RETENTION_INBOX_DAYS (README, "Data retention"). Old and new runs read alike.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import type { EventEntry } from './timeline-entry.js';

export interface CallEntry extends EventEntry {
  runId: number;
  kind: 'missed-call' | 'repeat-call';
  stepId: null;
  detail: { status: string | null; trackingNumber: string | null; source: string | null; via?: string };
}

export async function callEntriesOf(db: Kysely<Database>, locationId: string, runIds: number[]): Promise<CallEntry[]> {
  const rows = await db
    .selectFrom('missed_calls')
    .select(['id', 'run_id', 'called_at', 'call_status', 'tracking_number', 'source_tag', 'found_by'])
    .where('location_id', '=', locationId)
    .where('run_id', 'in', runIds)
    .orderBy('id')
    .execute();
  const started = new Set<number>();
  return rows.map((r) => {
    // The run's first row is the call that started it: the statement creating a run inserts its call before any
    // other call can join (a joining call waits at the active-run unique index until that statement commits).
    const kind = started.has(r.run_id) ? 'repeat-call' : 'missed-call';
    started.add(r.run_id);
    return {
      runId: r.run_id,
      type: 'event',
      at: r.called_at.toISOString(),
      kind,
      stepId: null,
      detail: {
        status: r.call_status,
        trackingNumber: r.tracking_number,
        source: r.source_tag,
        ...(r.found_by === 'sweep' ? { via: 'found by sweep' } : {}),
      },
    };
  });
}
