import { sql } from 'kysely';
import { z } from 'zod';
import type { Deps } from '../deps.js';
import { type GhlApi, GhlNotInstalledError } from '../ghl/api.js';
import { attributionTags, isHighValue } from '../core/attribution.js';
import { PREPARED } from '../db/prepared.js';
import { withHandOff } from '../jobs/hand-off.js';
import { defineJob, RECORDED } from '../jobs/registry.js';
import { carryContact } from './carried-contact.js';
import { removedUsersCopy, settingsCopy } from './checked-copies.js';
import { stepFactsSql } from './step-facts.js';
import { ATTRIBUTE_JOB } from './missed-call.js';
import { assignmentPool } from './round-robin.js';
import { ghlJobError } from '../ghl/job-errors.js';

// Another instance saving the page or deleting a rep between our read and our statement, three times over, is
// not plausible.
const MAX_STALE = 3;

/** What the missed call's statement puts in the job; a job queued by an earlier release has the run's id only. */
const payload = z.object({
  runId: z.number().int(),
  locationId: z.string().optional(),
  contactId: z.string().optional(),
  sourceTag: z.string().nullish(),
  trackingNumber: z.string().nullish(),
  highValue: z.boolean().optional(),
});
type Payload = z.infer<typeof payload>;

interface RunFacts {
  runId: number;
  locationId: string;
  contactId: string;
  sourceTag: string | null;
  trackingNumber: string | null;
  highValue: boolean;
}

/**
 * Right after a run starts: tag the contact by the line it dialled, decide whether it is high-value (source or
 * the contact's own tags), and route it to a rep. A contact-tagged high-value lead gets its callback task now.
 * Its database side is one statement (ringback_attribute_run, migrations/0021_missed_call.sql).
 */
interface AttributeAnswer {
  outcome: 'stale' | 'gone' | 'done';
  /** The run's step due now, claimed for this process's worker (src/jobs/hand-off.ts). */
  handedOff?: { payload: Record<string, unknown> } & Record<string, unknown>;
  facts?: unknown;
}

export function attributeJob(deps: Deps, ghl: GhlApi) {
  return defineJob({
    kind: ATTRIBUTE_JOB,
    schema: payload,
    async handle(given, job) {
      const run = await runFacts(deps, given);
      if (!run) return;
      let contact: Awaited<ReturnType<GhlApi['getContact']>>;
      let tags: string[];
      let highValue: boolean;
      let readAt: Date;
      try {
        contact = await ghl.getContact(run.locationId, run.contactId);
        readAt = deps.clock.now();
        const { settings } = await settingsCopy(deps.db, run.locationId, false);
        highValue = isHighValue(settings, run.highValue, contact.tags);
        tags = attributionTags(run.sourceTag, highValue);
        await ghl.addTags(run.locationId, run.contactId, tags);
      } catch (err) {
        // Uninstalled since the call: its runs were stopped, there is nobody to tag for.
        if (err instanceof GhlNotInstalledError) return;
        throw ghlJobError(err);
      }
      for (let attempt = 0; attempt < MAX_STALE; attempt += 1) {
        const fresh = attempt > 0;
        const copy = await settingsCopy(deps.db, run.locationId, fresh);
        const removed = await removedUsersCopy(deps.db, run.locationId, fresh);
        const source =
          copy.settings.sources.find((s) => s.tag === run.sourceTag && s.trackingNumber === run.trackingNumber) ?? null;
        const pool = assignmentPool(
          {
            locationId: run.locationId,
            settings: copy.settings,
            source,
            contactTags: contact.tags,
            sourceTag: run.sourceTag,
          },
          removed.ids,
        );
        const p = {
          runId: run.runId,
          // The statement records the job done with its effects (jobs/registry.ts RECORDED).
          jobId: job.id,
          workerId: job.workerId,
          now: deps.clock.now(),
          settingsMd5: copy.md5,
          removedMd5: removed.md5,
          highValue,
          contactName: contactName(contact),
          tags,
          pool: pool.via === 'none' ? null : pool,
        };
        const r = await withHandOff(
          deps.handOff,
          'outbound',
          async (handOffWorker) => {
            // The step handed off comes with its facts, as the lane's claim returns them (step-facts.ts); read
            // after the attribution in the same statement (the function reads with a snapshot of its own).
            // Prepared: its text never varies, and on PGlite parsing and planning it cost about 0.2 ms a call.
            // The answer's handedOff is JSON null when no step was claimed, and `r->'handedOff' is not null` held
            // for it: the facts were read (for no step) on every attribution, twice the facts per missed call.
            const { rows } = await sql<{ r: AttributeAnswer; facts: unknown }>`${sql.raw(PREPARED)}
              select r, case when jsonb_typeof(r->'handedOff') = 'object' then ${stepFactsSql(
                sql`(r->'handedOff'->'payload'->>'runStepId')::bigint`,
                p.now,
              )} end as facts
              from (select ringback_attribute_run(${JSON.stringify({ ...p, handOffWorker })}::jsonb) as r) x`.execute(
              deps.db,
            );
            const row = rows[0];
            return row ? { ...row.r, facts: row.facts } : undefined;
          },
          // The step also gets the contact just read (carried-contact.ts), in memory only.
          (answer) =>
            answer?.handedOff
              ? {
                  ...answer.handedOff,
                  payload: {
                    ...answer.handedOff.payload,
                    facts: answer.facts,
                    contact: carryContact(contact, tags, readAt),
                  },
                }
              : null,
        );
        if (r?.outcome === 'stale') continue;
        // The step due now, if any, was handed off; a high-value lead's task brought forward is woken for.
        if (!r?.handedOff || highValue) deps.wakeWorker?.();
        return RECORDED;
      }
      throw new Error(`the settings or reps of ${run.locationId} changed ${MAX_STALE} times during an attribution`);
    },
  });
}

async function runFacts(deps: Deps, given: Payload): Promise<RunFacts | null> {
  if (given.locationId && given.contactId) {
    return {
      runId: given.runId,
      locationId: given.locationId,
      contactId: given.contactId,
      sourceTag: given.sourceTag ?? null,
      trackingNumber: given.trackingNumber ?? null,
      highValue: given.highValue ?? false,
    };
  }
  const run = await deps.db.selectFrom('runs').selectAll().where('id', '=', given.runId).executeTakeFirst();
  if (!run) return null;
  return {
    runId: run.id,
    locationId: run.location_id,
    contactId: run.contact_id,
    sourceTag: run.source_tag,
    trackingNumber: run.tracking_number,
    highValue: run.high_value,
  };
}

function contactName(contact: {
  name?: string | null;
  firstName?: string | null;
  lastName?: string | null;
}): string | null {
  const name = contact.name || [contact.firstName, contact.lastName].filter(Boolean).join(' ');
  return name ? name.slice(0, 200) : null;
}
