import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Deps } from '../deps.js';
import type { Database } from '../db/database.js';
import { enqueueJob } from '../jobs/queries.js';
import { defineJob, type JobDefinition } from '../jobs/registry.js';
import { applyRetention } from './retention.js';

export const RETENTION_JOB = 'retention.apply';
/** How often retention runs: the unique key per slot makes it one job per slot however many instances tick. */
export const RETENTION_SLOT_MS = 10 * 60_000;

/** Called every minute by every instance's cron (runtime.ts); enqueues this slot's job once. */
export async function retentionTick(db: Kysely<Database>, now: Date): Promise<boolean> {
  const slot = new Date(Math.floor(now.getTime() / RETENTION_SLOT_MS) * RETENTION_SLOT_MS).toISOString();
  const id = await enqueueJob(
    db,
    { kind: RETENTION_JOB, payload: { slot }, runAt: now, uniqueKey: `retention:${slot}` },
    now,
  );
  return id !== null;
}

export function retentionJob(deps: Deps): JobDefinition {
  return defineJob({
    kind: RETENTION_JOB,
    schema: z.object({ slot: z.string() }),
    async handle() {
      const result = await applyRetention(deps.db, deps.clock.now(), deps.config.retention);
      if (
        result.inboxRowsDeleted ||
        result.inboxBodiesDropped ||
        result.notInstalledBodiesDropped ||
        result.doneJobsDeleted ||
        result.stepsTrimmed ||
        result.repeatedEventsDeleted ||
        result.callDetailsDropped ||
        result.callRunEventsDeleted ||
        result.callContactEventsDeleted ||
        result.runsArchived ||
        result.locationsForgotten.length
      ) {
        deps.logger.info(result, 'retention applied');
      }
    },
  });
}
