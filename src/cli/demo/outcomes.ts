import type { Db } from '../../db/create-db.js';
import type { Output } from './output.js';

export interface SourceRow {
  source: string;
  missedCalls: number;
  callers: number;
  recovered: number;
  /** Median minutes from the missed call to Ringback's first follow-up; null when nothing was sent. */
  medianFirstFollowupMin: number | null;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Per source (the tag of the line dialled) and in total, from the runs and missed_calls tables. */
export async function outcomesBySource(db: Db['db'], locationId: string): Promise<SourceRow[]> {
  const [runs, calls] = await Promise.all([
    db
      .selectFrom('runs')
      .select(['source_tag', 'outcome', 'started_at', 'first_followup_at'])
      .where('location_id', '=', locationId)
      .execute(),
    db.selectFrom('missed_calls').select(['source_tag']).where('location_id', '=', locationId).execute(),
  ]);
  const label = (tag: string | null) => tag ?? '(no source mapped)';
  const sources = [
    ...new Set([...runs.map((r) => label(r.source_tag)), ...calls.map((c) => label(c.source_tag))]),
  ].sort();
  const row = (source: string, rs: typeof runs, cs: typeof calls): SourceRow => ({
    source,
    missedCalls: cs.length,
    callers: rs.length,
    recovered: rs.filter((r) => r.outcome === 'recovered').length,
    medianFirstFollowupMin: median(
      rs
        .filter((r) => r.first_followup_at)
        .map((r) => (r.first_followup_at!.getTime() - r.started_at.getTime()) / 60_000),
    ),
  });
  const rows = sources.map((s) =>
    row(
      s,
      runs.filter((r) => label(r.source_tag) === s),
      calls.filter((c) => label(c.source_tag) === s),
    ),
  );
  return [...rows, row('Total', runs, calls)];
}

function minutes(m: number | null): string {
  if (m === null) return '—';
  if (m < 60) return `${Math.round(m)} min`;
  return `${Math.floor(m / 60)} h ${String(Math.round(m % 60)).padStart(2, '0')} min`;
}

export function printOutcomes(out: Output, rows: SourceRow[]): void {
  const head = ['Source', 'Missed calls', 'Callers', 'Recovered', 'Recovered %', 'Median to 1st follow-up'];
  const body = rows.map((r) => [
    r.source,
    String(r.missedCalls),
    String(r.callers),
    String(r.recovered),
    r.callers ? `${Math.round((100 * r.recovered) / r.callers)} %` : '—',
    minutes(r.medianFirstFollowupMin),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const fmt = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  out.line(out.c.bold(fmt(head)));
  out.line(widths.map((w) => '─'.repeat(w)).join('  '));
  body.forEach((cells, i) => {
    out.line(i === body.length - 1 ? out.c.bold(fmt(cells)) : fmt(cells));
  });
}
