/**
 * A recovered lead's value when GHL's opportunity webhooks never came (reporting/revenue.ts values a lead by the
 * opportunities stored from those webhooks). A job asks GHL for the contact's opportunities
 * (`GET /opportunities/search`, docs/ghl-api-calls.md §6) and stores each as its webhook would have: the same
 * snapshot rule (opportunities.ts), so a webhook that comes late, or a newer one, is neither doubled nor undone.
 * Never asked from a webhook's transaction: the lost-webhook sweep (sweep.ts) arms the checks, one job per lead
 * and check time, and only for leads with no opportunity stored.
 */
import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import type { GhlApi, GhlOpportunity } from '../ghl/api.js';
import type { GhlDeps } from '../ghl/deps.js';
import { ghlJobError } from '../ghl/job-errors.js';
import { defineJob } from '../jobs/registry.js';
import { OpportunityEvent } from '../webhooks/events.js';
import { ingestOpportunity } from './opportunities.js';
import { addRunEvent } from './runs.js';

export const OPPORTUNITY_CHECK_JOB = 'followup.opportunity-check';

/**
 * After recovery GHL is asked once an hour on (the webhook has had its chance) and once three days on (deals are
 * often opened after the first talk). Leads recovered more than a week ago are not looked at again.
 */
const CHECKS = [
  { key: '1h', afterMs: 60 * 60_000 },
  { key: '3d', afterMs: 3 * 86_400_000 },
] as const;
const LOOKBACK_MS = 7 * 86_400_000;
/** Opportunities opened this long before the missed call still count (as in reporting/revenue.ts). */
const SLACK = '10 minutes';
const SLACK_MS = 10 * 60_000;

/**
 * Arms the checks that are due for the location's recovered leads without a stored opportunity: one statement,
 * each check enqueued once ever (its unique key), however often the sweep runs. Returns how many it armed.
 */
export async function armOpportunityChecks(db: Kysely<Database>, locationId: string, now: Date): Promise<number> {
  let armed = 0;
  for (const check of CHECKS) {
    const res = await sql`
      insert into jobs (kind, payload, run_at, unique_key, location_id, created_at, updated_at)
      select ${OPPORTUNITY_CHECK_JOB}::text, jsonb_build_object('runId', r.id), ${now}::timestamptz,
             'opportunity-check:' || r.id || ':' || ${check.key}::text, r.location_id, ${now}::timestamptz,
             ${now}::timestamptz
      from runs r
      where r.location_id = ${locationId} and r.outcome = 'recovered'
        and r.outcome_at <= r.started_at + interval '72 hours'
        and r.outcome_at <= ${new Date(now.getTime() - check.afterMs)}
        and r.outcome_at >= ${new Date(now.getTime() - LOOKBACK_MS)}
        and not exists (select 1 from opportunities o where o.location_id = r.location_id
          and o.contact_id = r.contact_id and not o.deleted and o.created_at >= r.started_at - ${SLACK}::interval)
      on conflict (unique_key) do nothing`.execute(db);
    armed += Number(res.numAffectedRows ?? 0n);
  }
  return armed;
}

export function opportunityCheckJob(deps: GhlDeps, ghl: GhlApi) {
  return defineJob({
    kind: OPPORTUNITY_CHECK_JOB,
    schema: z.object({ runId: z.number().int() }),
    maxAttempts: 5,
    async handle({ runId }) {
      const { db, clock } = deps;
      const run = await db
        .selectFrom('runs')
        .select(['id', 'location_id', 'contact_id', 'started_at', 'outcome'])
        .where('id', '=', runId)
        .executeTakeFirst();
      if (run?.outcome !== 'recovered') return;
      // A webhook came after the check was armed: the lead's value is known without asking GHL.
      const known = await db
        .selectFrom('opportunities')
        .select('opportunity_id')
        .where('location_id', '=', run.location_id)
        .where('contact_id', '=', run.contact_id)
        .where('deleted', '=', false)
        .where('created_at', '>=', new Date(run.started_at.getTime() - SLACK_MS))
        .executeTakeFirst();
      if (known) return;
      let found: GhlOpportunity[];
      try {
        found = await ghl.searchOpportunities(run.location_id, run.contact_id);
      } catch (err) {
        throw ghlJobError(err);
      }
      const now = clock.now();
      const stored = found.filter((o) => o.contactId === null || o.contactId === run.contact_id);
      await db.transaction().execute(async (trx) => {
        for (const o of stored) await ingestOpportunity(trx, snapshotEvent(run.location_id, run.contact_id, o), now);
        const counted = stored.filter(
          (o) => o.createdAt && Date.parse(o.createdAt) >= run.started_at.getTime() - SLACK_MS,
        );
        if (counted.length > 0) {
          await addRunEvent(trx, run.id, now, 'opportunity-found', {
            opportunities: counted.map((o) => o.id),
            text: 'The lead’s deal in HighLevel was read from its opportunities (its update never reached Ringback).',
          });
        }
      });
    },
  });
}

/** The REST opportunity read through the webhook's own schema, dated by its last change in GHL. */
function snapshotEvent(locationId: string, contactId: string, o: GhlOpportunity): OpportunityEvent {
  return OpportunityEvent.parse({
    type: 'OpportunityUpdate',
    locationId,
    id: o.id,
    contactId: o.contactId ?? contactId,
    monetaryValue: o.monetaryValue,
    status: o.status,
    dateAdded: o.createdAt,
    timestamp: o.updatedAt ?? o.createdAt,
  });
}
