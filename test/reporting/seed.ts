/** Rows of the follow-up tables, inserted directly: the reporting API reads them, whoever wrote them. */
import type { Kysely } from 'kysely';
import type { Database } from '../../src/db/database.js';

export interface RunSeed {
  locationId: string;
  contactId: string;
  startedAt: string;
  outcome?: 'recovered' | 'lost' | 'suppressed' | null;
  reason?: string;
  outcomeAfterMin?: number;
  source?: string | null;
  highValue?: boolean;
  followupAfterSec?: number;
  humanAfterSec?: number;
  assignedUserId?: string;
  escalated?: boolean;
  /** Minutes after the start of each missed call of the run (the first is the start). */
  calls?: number[];
  /** GHL's conversation of the calls (null: recorded before Ringback kept it). */
  conversationId?: string;
}

const at = (iso: string, plusMs = 0) => new Date(new Date(iso).getTime() + plusMs);

export async function seedRun(db: Kysely<Database>, r: RunSeed): Promise<{ runId: number; callIds: number[] }> {
  const start = new Date(r.startedAt);
  const outcome = r.outcome ?? null;
  const run = await db
    .insertInto('runs')
    .values({
      location_id: r.locationId,
      contact_id: r.contactId,
      status: outcome ? 'ended' : 'active',
      outcome,
      outcome_reason: r.reason ?? null,
      outcome_at: outcome ? at(r.startedAt, (r.outcomeAfterMin ?? 30) * 60_000) : null,
      started_at: start,
      source_tag: r.source ?? null,
      tracking_number: r.source ? '+15550001111' : null,
      caller_phone: '+12125550187',
      high_value: r.highValue ?? false,
      assigned_user_id: r.assignedUserId ?? null,
      missed_connections: (r.calls ?? [0]).length,
      escalated_at: r.escalated ? at(r.startedAt, 60_000) : null,
      first_followup_at: r.followupAfterSec === undefined ? null : at(r.startedAt, r.followupAfterSec * 1000),
      first_human_contact_at: r.humanAfterSec === undefined ? null : at(r.startedAt, r.humanAfterSec * 1000),
      created_at: start,
      updated_at: start,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  const callIds: number[] = [];
  for (const [i, minutes] of (r.calls ?? [0]).entries()) {
    const call = await db
      .insertInto('missed_calls')
      .values({
        location_id: r.locationId,
        contact_id: r.contactId,
        run_id: run.id,
        message_id: `${r.contactId}-${r.startedAt}-${i}`,
        called_at: at(r.startedAt, minutes * 60_000),
        tracking_number: r.source ? '+15550001111' : null,
        caller_number: '+12125550187',
        source_tag: r.source ?? null,
        high_value: r.highValue ?? false,
        call_status: 'no-answer',
        voicemail_url: i === 0 ? 'https://example.com/vm.mp3' : null,
        conversation_id: r.conversationId ?? null,
        created_at: start,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    callIds.push(call.id);
  }
  return { runId: run.id, callIds };
}
