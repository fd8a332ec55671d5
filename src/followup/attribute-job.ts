import { z } from 'zod';
import type { Deps } from '../deps.js';
import type { GhlApi } from '../ghl/api.js';
import { attributionTags, isHighValue } from '../core/attribution.js';
import { defineJob } from '../jobs/registry.js';
import { loadLocationContext } from './location-settings.js';
import { ATTRIBUTE_JOB } from './missed-call.js';
import { assignRep } from './round-robin.js';
import { addRunEvent } from './runs.js';
import { ghlJobError } from '../ghl/job-errors.js';

/**
 * Right after a run starts: tag the contact by the line it dialled, decide whether it is high-value (source or
 * the contact's own tags), and route it to a rep. A contact-tagged high-value lead gets its callback task now.
 */
export function attributeJob(deps: Deps, ghl: GhlApi) {
  return defineJob({
    kind: ATTRIBUTE_JOB,
    schema: z.object({ runId: z.number().int() }),
    async handle({ runId }) {
      const { db, clock } = deps;
      const run = await db.selectFrom('runs').selectAll().where('id', '=', runId).executeTakeFirst();
      if (!run) return;
      const ctx = await loadLocationContext(db, run.location_id);
      if (!ctx.installed) return;
      try {
        const contact = await ghl.getContact(run.location_id, run.contact_id);
        const highValue = isHighValue(ctx.settings, run.high_value, contact.tags);
        const tags = attributionTags(run.source_tag, highValue);
        await ghl.addTags(run.location_id, run.contact_id, tags);
        const source =
          ctx.settings.sources.find((s) => s.tag === run.source_tag && s.trackingNumber === run.tracking_number) ??
          null;
        await db.transaction().execute(async (trx) => {
          const now = clock.now();
          const fresh = await trx
            .selectFrom('runs')
            .select(['assigned_user_id'])
            .where('id', '=', runId)
            .forUpdate()
            .executeTakeFirst();
          const assignment = fresh?.assigned_user_id
            ? null
            : await assignRep(trx, {
                locationId: run.location_id,
                settings: ctx.settings,
                source,
                contactTags: contact.tags,
                sourceTag: run.source_tag,
              });
          await trx
            .updateTable('runs')
            .set({
              high_value: highValue,
              // The call log shows who called by name (src/reporting/calls.ts).
              contact_name: contactName(contact),
              ...(assignment ? { assigned_user_id: assignment.userId } : {}),
              updated_at: now,
            })
            .where('id', '=', runId)
            .execute();
          await addRunEvent(trx, runId, now, 'tagged', {
            tags,
            assignedTo: assignment?.userId ?? fresh?.assigned_user_id ?? null,
            via: assignment?.via ?? 'kept',
          });
          if (highValue && !run.high_value) await bringTaskForward(trx, runId, now);
        });
        deps.wakeWorker?.();
      } catch (err) {
        throw ghlJobError(err);
      }
    },
  });
}

async function bringTaskForward(trx: Deps['db'], runId: number, now: Date): Promise<void> {
  const steps = await trx
    .updateTable('run_steps')
    .set({ due_at: now })
    .where('run_id', '=', runId)
    .where('action', '=', 'task')
    .where('state', '=', 'pending')
    .where('due_at', '>', now)
    .returning('id')
    .execute();
  for (const s of steps) {
    await trx
      .updateTable('jobs')
      .set({ run_at: now, updated_at: now })
      .where('unique_key', '=', `step:${s.id}`)
      .where('state', '=', 'pending')
      .execute();
  }
}

function contactName(contact: {
  name?: string | null;
  firstName?: string | null;
  lastName?: string | null;
}): string | null {
  const name = contact.name || [contact.firstName, contact.lastName].filter(Boolean).join(' ');
  return name ? name.slice(0, 200) : null;
}
