/**
 * The call log's filters, shared by `GET /api/calls` and its CSV export: what happened to the lead (its outcome
 * as the log words it), the source of the line dialled, the rep the lead went to, and days as the owner sees them
 * (the location's time zone). Every query parameter is checked; anything else is a 400 naming the parameter.
 */
import { type RawBuilder, sql } from 'kysely';
import { AppError } from '../errors.js';

/** The outcome filter's values, one per way the log words an outcome. */
export const OUTCOME_FILTERS = ['recovered', 'lost', 'suppressed', 'in-progress'] as const;
export type OutcomeFilter = (typeof OUTCOME_FILTERS)[number];

export interface CallFilters {
  outcome: OutcomeFilter | null;
  /** A source tag as the settings name it ("Facebook Ad Caller"). */
  source: string | null;
  /** The GHL user the lead was routed to. */
  rep: string | null;
  /** First and last local day, inclusive, as YYYY-MM-DD. */
  from: string | null;
  to: string | null;
}

const FILTER_PARAMS = ['outcome', 'source', 'rep', 'from', 'to'] as const;
// A year of days at most: the export stays a spreadsheet, not a dump.
const MAX_RANGE_DAYS = 366;

/** Reads the filters from a query; `extra` names the other parameters the route takes (limit, cursor). */
export function parseCallFilters(query: Record<string, unknown>, extra: readonly string[] = []): CallFilters {
  for (const name of Object.keys(query)) {
    if (!(FILTER_PARAMS as readonly string[]).includes(name) && !extra.includes(name)) {
      throw bad(name, `is not a filter of the call log (use ${[...FILTER_PARAMS, ...extra].join(', ')})`);
    }
  }
  const outcome = single(query, 'outcome');
  if (outcome !== null && !(OUTCOME_FILTERS as readonly string[]).includes(outcome)) {
    throw bad('outcome', `must be one of ${OUTCOME_FILTERS.join(', ')}`);
  }
  const source = single(query, 'source');
  if (source !== null && (source.length > 100 || /\p{Cc}/u.test(source))) {
    throw bad('source', 'must be a source name of at most 100 characters');
  }
  const rep = single(query, 'rep');
  if (rep !== null && !/^[A-Za-z0-9_-]{1,100}$/.test(rep)) throw bad('rep', 'must be a user of this sub-account');
  const from = day(query, 'from');
  const to = day(query, 'to');
  if (from && to) {
    const days = (Date.parse(to) - Date.parse(from)) / 86_400_000;
    if (days < 0) throw bad('to', 'must be on or after the first day (from)');
    if (days >= MAX_RANGE_DAYS) throw bad('to', `the range must be at most ${MAX_RANGE_DAYS} days`);
  }
  return { outcome: outcome as OutcomeFilter | null, source, rep, from, to };
}

/**
 * The filters as conditions on `missed_calls as mc` joined to `runs as r`. Days are turned into instants by
 * the database in the location's zone, so a day with a daylight-saving change has its 23 or 25 hours.
 */
export function filterConditions(filters: CallFilters, timeZone: string): RawBuilder<boolean>[] {
  const where: RawBuilder<boolean>[] = [];
  if (filters.outcome === 'in-progress') where.push(sql<boolean>`r.outcome is null and r.status = 'active'`);
  else if (filters.outcome) where.push(sql<boolean>`r.outcome = ${filters.outcome}`);
  if (filters.source) where.push(sql<boolean>`mc.source_tag = ${filters.source}`);
  if (filters.rep) where.push(sql<boolean>`r.assigned_user_id = ${filters.rep}`);
  if (filters.from) {
    where.push(sql<boolean>`mc.called_at >= ((${filters.from}::date)::timestamp at time zone ${timeZone})`);
  }
  if (filters.to) {
    where.push(sql<boolean>`mc.called_at < (((${filters.to}::date) + 1)::timestamp at time zone ${timeZone})`);
  }
  return where;
}

function single(query: Record<string, unknown>, name: string): string | null {
  const raw = query[name];
  if (raw === undefined || raw === '') return null;
  if (typeof raw !== 'string') throw bad(name, 'must be given once');
  return raw;
}

function day(query: Record<string, unknown>, name: string): string | null {
  const raw = single(query, name);
  if (raw === null) return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw);
  const date = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : null;
  if (!m || !date || date.toISOString().slice(0, 10) !== raw || date.getUTCFullYear() < 2000) {
    throw bad(name, 'must be a day written YYYY-MM-DD, for example 2026-01-31');
  }
  return raw;
}

function bad(name: string, message: string): AppError {
  return new AppError(400, 'BAD_REQUEST', `${name} ${message}`, { details: [{ path: name, message }] });
}
