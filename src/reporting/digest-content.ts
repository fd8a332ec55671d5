import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';
import { escapeHtml } from '../core/templates.js';
import { formatLocal } from '../core/step-content.js';
import { aboutDollars, type Revenue, revenueLine } from './revenue.js';

export interface DigestCall {
  calledAt: Date;
  callerNumber: string | null;
  contactId: string;
  sourceTag: string | null;
  highValue: boolean;
  stepsDone: number;
  outcome: string | null;
  outcomeReason: string | null;
  firstFollowupSeconds: number | null;
}

/** The missed calls of the 24 hours before `until`, high-value first, then newest first. */
export async function digestCalls(db: Kysely<Database>, locationId: string, until: Date): Promise<DigestCall[]> {
  const since = new Date(until.getTime() - 86_400_000);
  const res = await sql<{
    called_at: Date;
    caller_number: string | null;
    contact_id: string;
    source_tag: string | null;
    high_value: boolean;
    steps_done: number;
    outcome: string | null;
    outcome_reason: string | null;
    first_followup_seconds: number | null;
  }>`
    select mc.called_at, mc.caller_number, mc.contact_id, mc.source_tag, (mc.high_value or r.high_value) as high_value,
      (select count(*)::int from run_steps s where s.run_id = r.id and s.state = 'done') as steps_done,
      r.outcome, r.outcome_reason,
      extract(epoch from (r.first_followup_at - r.started_at))::float8 as first_followup_seconds
    from missed_calls mc join runs r on r.id = mc.run_id
    where mc.location_id = ${locationId} and mc.called_at >= ${since} and mc.called_at < ${until}
    order by (mc.high_value or r.high_value) desc, mc.called_at desc
    limit 200`.execute(db);
  return res.rows.map((r) => ({
    calledAt: new Date(r.called_at),
    callerNumber: r.caller_number,
    contactId: r.contact_id,
    sourceTag: r.source_tag,
    highValue: r.high_value,
    stepsDone: r.steps_done,
    outcome: r.outcome,
    outcomeReason: r.outcome_reason,
    firstFollowupSeconds: r.first_followup_seconds,
  }));
}

function minutes(seconds: number | null): string {
  if (seconds === null) return '-';
  return seconds < 90 ? `${Math.round(seconds)} s` : `${Math.round(seconds / 60)} min`;
}

/** The digest email: every value escaped, a plain table that survives email clients. */
export function digestEmail(input: {
  businessName: string | null;
  localDate: string;
  timeZone: string;
  calls: DigestCall[];
  /** The last 7 days' recovered leads and their worth (revenue.ts). */
  revenue?: Revenue;
}): { subject: string; html: string } {
  const { calls } = input;
  const recovered = calls.filter((c) => c.outcome === 'recovered').length;
  const subject = `Ringback daily digest ${input.localDate}: ${calls.length} missed call${calls.length === 1 ? '' : 's'}, ${recovered} recovered`;
  const rows = calls
    .map(
      (c) =>
        `<tr><td>${c.highValue ? '<strong>High value</strong> ' : ''}${escapeHtml(c.callerNumber ?? c.contactId)}</td>` +
        `<td>${escapeHtml(c.sourceTag ?? 'untracked')}</td><td>${escapeHtml(formatLocal(c.calledAt, input.timeZone))}</td>` +
        `<td>${c.stepsDone}</td><td>${escapeHtml(c.outcome ? `${c.outcome} (${c.outcomeReason ?? ''})` : 'in progress')}</td>` +
        `<td>${escapeHtml(minutes(c.firstFollowupSeconds))}</td></tr>`,
    )
    .join('');
  const html = `<h2>${escapeHtml(input.businessName ?? 'Your business')}: missed calls of the last day</h2>
<p>${calls.length} missed call(s); ${recovered} recovered so far.</p>${input.revenue ? revenueParagraph(input.revenue) : ''}
<table border="1" cellpadding="6" cellspacing="0"><thead><tr><th>Caller</th><th>Source</th><th>When</th>
<th>Steps done</th><th>Outcome</th><th>Time to first follow-up</th></tr></thead><tbody>${rows || '<tr><td colspan="6">No missed calls. Nice.</td></tr>'}</tbody></table>`;
  return { subject, html };
}

/** "Recovered this week: 7 leads, about $4,200. Facebook Ad Caller: 3 leads, about $2,400; ..." */
function revenueParagraph(rev: Revenue): string {
  const line = revenueLine(rev);
  const parts = rev.bySource.map(
    (s) =>
      `${s.source ?? 'untracked numbers'}: ${s.leads} lead${s.leads === 1 ? '' : 's'}` +
      (s.valuedLeads > 0 ? `, about ${aboutDollars(s.value)}` : ''),
  );
  const text = `${line.charAt(0).toUpperCase()}${line.slice(1)}.${parts.length ? ` ${parts.join('; ')}.` : ''}`;
  return `\n<p>${escapeHtml(text)}</p>`;
}
