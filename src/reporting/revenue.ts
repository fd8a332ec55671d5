/**
 * Revenue recovered (issue 18.4): each lead recovered (the same rule as stats.ts: recovered within 72 h of the
 * missed call) is worth, in this order,
 *   1. the GHL opportunities it led to: the contact's opportunities created from the missed call on (10 minutes
 *      of slack: a workflow or GHL's Voice AI may open one while the call is still being logged), not deleted,
 *      not lost or abandoned, their `monetaryValue` summed (docs/ghl-webhooks.md, "Opportunities"); when every
 *      such opportunity was lost or abandoned the lead is known to be worth nothing ($0);
 *   2. else the booked appointment's service value when GHL gave one ([U], src/followup/opportunities.ts);
 *   3. else the value the owner set for the call's source (settings `sources[].value`);
 *   4. else nothing known: the lead counts, its value does not.
 * Opportunities come from GHL's webhooks, or, when those were lost, from GET /opportunities/search read by a job
 * (src/followup/opportunity-check.ts). One statement for any number of locations, so the agency portfolio asks
 * once for all its sub-accounts.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';

export interface RevenueSource {
  source: string | null;
  leads: number;
  value: number;
  /** Leads whose value is known (an opportunity, a service, the source's default). */
  valuedLeads: number;
}

export interface Revenue {
  leads: number;
  value: number;
  valuedLeads: number;
  /** Where the values came from, as lead counts. */
  basis: { opportunity: number; service: number; sourceDefault: number };
  bySource: RevenueSource[];
}

interface Row {
  location_id: string;
  source: string | null;
  leads: number;
  value: string | number | null;
  valued: number;
  by_opportunity: number;
  by_service: number;
  by_default: number;
}

export async function computeRevenueByLocation(
  db: Kysely<Database>,
  input: { locationIds: readonly string[]; since: Date; until: Date },
): Promise<Map<string, Revenue>> {
  const out = new Map<string, Revenue>();
  for (const id of input.locationIds) out.set(id, emptyRevenue());
  if (input.locationIds.length === 0) return out;
  const { rows } = await sql<Row>`
    with recovered as (
      select r.location_id, r.contact_id, r.started_at, r.source_tag, r.tracking_number
      from runs r
      where r.location_id = any(${[...input.locationIds]}::text[])
        and r.started_at >= ${input.since} and r.started_at <= ${input.until}
        and r.outcome = 'recovered' and r.outcome_at <= r.started_at + interval '72 hours'
    ), valued as (
      select x.location_id, x.source_tag,
        (select coalesce(sum(o.monetary_value) filter (where not o.lost and o.monetary_value > 0),
                         case when bool_and(o.lost) then 0 end)
           from (select oo.monetary_value, coalesce(lower(oo.status), 'open') in ('lost', 'abandoned') as lost
                 from opportunities oo
                 where oo.location_id = x.location_id and oo.contact_id = x.contact_id and not oo.deleted
                   and oo.created_at >= x.started_at - interval '10 minutes') o) as opportunity,
        (select max((e.detail->>'value')::numeric) from contact_events e
           where e.location_id = x.location_id and e.contact_id = x.contact_id and e.kind = 'booked'
             and e.at >= x.started_at and jsonb_typeof(e.detail->'value') = 'number') as service,
        (select (s.item->>'value')::numeric
           from location_settings ls, jsonb_array_elements(ls.settings->'sources') as s(item)
           where ls.location_id = x.location_id and jsonb_typeof(s.item->'value') = 'number'
             and (s.item->>'trackingNumber' = x.tracking_number or s.item->>'tag' = x.source_tag)
           order by (s.item->>'trackingNumber' = x.tracking_number) desc limit 1) as by_source
      from recovered x
    )
    select location_id, source_tag as source, count(*)::int as leads,
      sum(coalesce(opportunity, service, by_source)) as value,
      count(coalesce(opportunity, service, by_source))::int as valued,
      count(opportunity)::int as by_opportunity,
      count(*) filter (where opportunity is null and service is not null)::int as by_service,
      count(*) filter (where opportunity is null and service is null and by_source is not null)::int as by_default
    from valued
    group by location_id, source_tag
    order by location_id, 4 desc nulls last, 3 desc, 2`.execute(db);
  for (const r of rows) {
    const rev = out.get(r.location_id) ?? emptyRevenue();
    const value = Number(r.value ?? 0);
    rev.leads += Number(r.leads);
    rev.value += value;
    rev.valuedLeads += Number(r.valued);
    rev.basis.opportunity += Number(r.by_opportunity);
    rev.basis.service += Number(r.by_service);
    rev.basis.sourceDefault += Number(r.by_default);
    rev.bySource.push({ source: r.source, leads: Number(r.leads), value, valuedLeads: Number(r.valued) });
    out.set(r.location_id, rev);
  }
  for (const rev of out.values()) rev.value = Math.round(rev.value * 100) / 100;
  return out;
}

export async function computeRevenue(
  db: Kysely<Database>,
  input: { locationId: string; since: Date; until: Date },
): Promise<Revenue> {
  const all = await computeRevenueByLocation(db, {
    locationIds: [input.locationId],
    since: input.since,
    until: input.until,
  });
  return all.get(input.locationId) ?? emptyRevenue();
}

function emptyRevenue(): Revenue {
  return { leads: 0, value: 0, valuedLeads: 0, basis: { opportunity: 0, service: 0, sourceDefault: 0 }, bySource: [] };
}

/** "about $4,200": a figure for an owner, rounded to what the estimate is worth ($10 under $1,000, else $100). */
export function aboutDollars(value: number): string {
  const step = value < 1000 ? 10 : 100;
  const rounded = Math.round(value / step) * step;
  return `$${rounded.toLocaleString('en-US')}`;
}

/** "recovered this week: 7 leads, about $4,200" (the value left out when no lead's value is known). */
export function revenueLine(rev: Revenue, period = 'this week'): string {
  const leads = `${rev.leads} lead${rev.leads === 1 ? '' : 's'}`;
  return rev.valuedLeads > 0
    ? `recovered ${period}: ${leads}, about ${aboutDollars(rev.value)}`
    : `recovered ${period}: ${leads}`;
}
