/**
 * Recent missed calls of one location (filtered as call-filters.ts reads the query) with their run and timeline,
 * newest first, keyset-paginated on (called_at, id). The cursor names the last row seen; its position is read back from the table, so the
 * database's microsecond timestamps never pass through JavaScript's milliseconds.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';
import { AppError } from '../errors.js';
import { type CallFilters, filterConditions } from './call-filters.js';
import { appOrigin, contactUrl, conversationUrl } from './ghl-links.js';
import { type TimelineEntry, timelineOf } from './timeline.js';
import { formatPhone, outcomeWords } from './words.js';

export interface CallRun {
  id: number;
  status: string;
  outcome: string | null;
  outcomeReason: string | null;
  outcomeAt: string | null;
  startedAt: string;
  sourceTag: string | null;
  highValue: boolean;
  assignedUserId: string | null;
  missedConnections: number;
  escalated: boolean;
  escalatedAt: string | null;
  firstFollowupAt: string | null;
  timeToFirstFollowupSeconds: number | null;
  firstHumanContactAt: string | null;
  timeToFirstHumanContactSeconds: number | null;
}

export interface CallItem {
  id: number;
  calledAt: string;
  contactId: string;
  /** The caller's name as GHL had it (null before Ringback read the contact). */
  contactName: string | null;
  callerNumber: string | null;
  /** "(212) 555-0187" for a US number, else the number as GHL gave it. */
  callerDisplay: string | null;
  /** The contact's page in GHL's web app (white-label domain respected). */
  contactUrl: string;
  /** The call's conversation in GHL's inbox; the contact's page for calls recorded before the id was kept. */
  conversationUrl: string;
  /** The run's outcome in words: "Recovered: booked an appointment". */
  outcomeText: string;
  trackingNumber: string | null;
  sourceTag: string | null;
  highValue: boolean;
  callStatus: string | null;
  voicemailUrl: string | null;
  run: CallRun;
  timeline: TimelineEntry[];
}

export function encodeCursor(id: number): string {
  return Buffer.from(`mc:${id}`, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): number {
  const match = /^mc:(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new AppError(400, 'BAD_REQUEST', 'cursor is not one this API gave out');
  return Number(match[1]);
}

/** One page of the location's calls that pass the filters, newest first, after the cursor's call. */
export async function callRows(
  db: Kysely<Database>,
  locationId: string,
  page: { limit: number; cursor: number | null; filters?: CallFilters; timeZone?: string },
) {
  let query = db
    .selectFrom('missed_calls as mc')
    .innerJoin('runs as r', (join) =>
      join.onRef('r.id', '=', 'mc.run_id').onRef('r.location_id', '=', 'mc.location_id'),
    )
    .selectAll('mc')
    .select([
      'r.status as r_status',
      'r.outcome',
      'r.outcome_reason',
      'r.outcome_at',
      'r.started_at',
      'r.source_tag as r_source_tag',
      'r.high_value as r_high_value',
      'r.assigned_user_id',
      'r.contact_name',
      'r.missed_connections',
      'r.escalated_at',
      'r.first_followup_at',
      'r.first_human_contact_at',
    ])
    .where('mc.location_id', '=', locationId);
  if (page.filters) {
    for (const condition of filterConditions(page.filters, page.timeZone ?? 'UTC')) query = query.where(condition);
  }
  if (page.cursor !== null) {
    const cursorId = page.cursor;
    query = query.where(
      sql<boolean>`(mc.called_at, mc.id) < (select c.called_at, c.id from missed_calls c where c.id = ${cursorId} and c.location_id = ${locationId})`,
    );
  }
  return query.orderBy('mc.called_at', 'desc').orderBy('mc.id', 'desc').limit(page.limit).execute();
}

export async function listCalls(
  db: Kysely<Database>,
  locationId: string,
  page: { limit: number; cursor: number | null; filters?: CallFilters; timeZone?: string },
): Promise<{ calls: CallItem[]; nextCursor: string | null }> {
  const rows = await callRows(db, locationId, { ...page, limit: page.limit + 1 });
  const pageRows = rows.slice(0, page.limit);
  const origin = await appOrigin(db, locationId);
  const timelines = await timelineOf(db, locationId, [...new Set(pageRows.map((r) => r.run_id))]);
  const calls = pageRows.map(
    (row): CallItem => ({
      id: row.id,
      calledAt: row.called_at.toISOString(),
      contactId: row.contact_id,
      contactName: row.contact_name,
      callerNumber: row.caller_number,
      callerDisplay: formatPhone(row.caller_number),
      contactUrl: contactUrl(origin, locationId, row.contact_id),
      conversationUrl: conversationUrl(origin, locationId, row.contact_id, row.conversation_id),
      outcomeText: outcomeWords(row.r_status, row.outcome, row.outcome_reason),
      trackingNumber: row.tracking_number,
      sourceTag: row.source_tag,
      highValue: row.high_value,
      callStatus: row.call_status,
      voicemailUrl: row.voicemail_url,
      run: {
        id: row.run_id,
        status: row.r_status,
        outcome: row.outcome,
        outcomeReason: row.outcome_reason,
        outcomeAt: iso(row.outcome_at),
        startedAt: row.started_at.toISOString(),
        sourceTag: row.r_source_tag,
        highValue: row.r_high_value,
        assignedUserId: row.assigned_user_id,
        missedConnections: row.missed_connections,
        escalated: row.escalated_at !== null,
        escalatedAt: iso(row.escalated_at),
        firstFollowupAt: iso(row.first_followup_at),
        timeToFirstFollowupSeconds: secondsBetween(row.started_at, row.first_followup_at),
        firstHumanContactAt: iso(row.first_human_contact_at),
        timeToFirstHumanContactSeconds: secondsBetween(row.started_at, row.first_human_contact_at),
      },
      timeline: timelines.get(row.run_id) ?? [],
    }),
  );
  const last = pageRows[pageRows.length - 1];
  return { calls, nextCursor: rows.length > page.limit && last ? encodeCursor(last.id) : null };
}

function iso(d: Date | null): string | null {
  return d ? d.toISOString() : null;
}

function secondsBetween(from: Date, to: Date | null): number | null {
  return to ? Math.round((to.getTime() - from.getTime()) / 1000) : null;
}
