/**
 * The call log as a spreadsheet (`GET /api/calls.csv`): one line per missed call that passes the filters,
 * newest first, in the owner's words: local time with its zone, names, formatted numbers, the outcome and the
 * time to first follow-up as the page says them, no ids. Read in keyset pages and written as they come, waiting
 * when the client reads slowly, so memory stays bounded whatever the number of calls.
 */
import type { Writable } from 'node:stream';
import { once } from 'node:events';
import type { Kysely } from 'kysely';
import { shortDuration } from '../core/shared/duration.js';
import type { Database } from '../db/database.js';
import type { CallFilters } from './call-filters.js';
import { callRows } from './calls.js';
import { csvLine } from './csv.js';
import { appOrigin, contactUrl, conversationUrl } from './ghl-links.js';
import { formatPhone, localTime, outcomeWords } from './words.js';

const PAGE = 500;

export const CSV_HEADER = [
  'Called at',
  'Caller',
  'Number',
  'Source',
  'Line dialled',
  'Rep',
  'Outcome',
  'First follow-up after',
  'First human contact after',
  'Missed calls from this caller',
  'High value',
  'Voicemail',
  'Contact in GHL',
  'Conversation in GHL',
];

export interface CsvExport {
  locationId: string;
  filters: CallFilters;
  timeZone: string;
  /** A rep's name by GHL user id; null when GHL did not say. */
  repName(userId: string): string | null;
}

/** Writes the header and every matching call to `out`; stops early when the client has gone. */
export async function writeCallsCsv(db: Kysely<Database>, out: Writable, x: CsvExport): Promise<void> {
  const origin = await appOrigin(db, x.locationId);
  // A byte-order mark: Excel otherwise reads UTF-8 names ("José") as Latin-1.
  if (!(await write(out, `\uFEFF${csvLine(CSV_HEADER)}`))) return;
  let cursor: number | null = null;
  for (;;) {
    const rows = await callRows(db, x.locationId, { limit: PAGE, cursor, filters: x.filters, timeZone: x.timeZone });
    let chunk = '';
    for (const row of rows) {
      const rep = row.assigned_user_id ? (x.repName(row.assigned_user_id) ?? 'A former user') : 'Not assigned';
      chunk += csvLine([
        localTime(row.called_at, x.timeZone),
        row.contact_name ?? '',
        formatPhone(row.caller_number) ?? '',
        row.source_tag ?? 'No tracking number',
        formatPhone(row.tracking_number) ?? '',
        rep,
        outcomeWords(row.r_status, row.outcome, row.outcome_reason),
        shortDuration(secondsBetween(row.started_at, row.first_followup_at)),
        shortDuration(secondsBetween(row.started_at, row.first_human_contact_at)),
        row.missed_connections,
        row.high_value || row.r_high_value ? 'Yes' : 'No',
        row.voicemail_url ?? '',
        contactUrl(origin, x.locationId, row.contact_id),
        row.conversation_id ? conversationUrl(origin, x.locationId, row.contact_id, row.conversation_id) : '',
      ]);
    }
    if (chunk && !(await write(out, chunk))) return;
    const last = rows[rows.length - 1];
    if (rows.length < PAGE || !last) return;
    cursor = last.id;
  }
}

/** False when the client is gone; waits for the socket to drain when its buffer is full. */
async function write(out: Writable, text: string): Promise<boolean> {
  if (out.destroyed) return false;
  if (!out.write(text)) await Promise.race([once(out, 'drain'), once(out, 'close')]);
  return !out.destroyed;
}

function secondsBetween(from: Date, to: Date | null): number | null {
  return to ? Math.round((to.getTime() - from.getTime()) / 1000) : null;
}
