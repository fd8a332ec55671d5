import type { Deps } from '../deps.js';
import type { HandOff } from '../jobs/hand-off.js';
import type { ClaimedJob } from '../jobs/queries.js';
import { type IncomingWebhook, type StoreResult, storeWebhooks, WEBHOOK_JOB } from './inbox.js';

/**
 * The inbox write with hand-off (src/jobs/hand-off.ts): each webhook that is not quiet is stored with its job
 * claimed for this process's worker when the intake lane has a slot free, and the job is run once the statement
 * has answered. The slots are kept and used here, around the statement itself, not by the deliveries waiting on
 * it: a write that answers after its deliveries gave up (the store's timeout, answered 429) still runs the jobs
 * it claimed, and a write that failed releases them. A quiet webhook rarely gets a job: it keeps no slot.
 */
export async function storeHandingOff(deps: Deps, batch: readonly IncomingWebhook[]): Promise<StoreResult[]> {
  const slots: (HandOff | null)[] = batch.map((w) => (w.quiet ? null : (deps.handOff?.('intake') ?? null)));
  let results: StoreResult[];
  try {
    results = await storeWebhooks(
      deps.intakeDb ?? deps.db,
      batch.map((w, i) => ({ ...w, handOffWorker: slots[i]?.workerId ?? null })),
    );
  } catch (err) {
    for (const slot of slots) slot?.release();
    throw err;
  }
  for (const [i, r] of results.entries()) {
    const slot = slots[i];
    const w = batch[i];
    if (!slot || !w) continue;
    if (r.handedOff) {
      const job = handedOffJob(w, r.handedOff);
      // After the acknowledgements of this write are sent, not before them.
      setImmediate(() => slot.take(job));
    } else slot.release();
  }
  return results;
}

/** The job as the intake lane's claim would have returned it (jobs/lanes.ts claimedPayload). */
function handedOffJob(w: IncomingWebhook, claimed: { id: number; maxAttempts: number }): ClaimedJob {
  return {
    id: claimed.id,
    kind: WEBHOOK_JOB,
    payload: {
      webhookId: w.webhookId,
      stored: {
        type: w.type,
        location_id: w.locationId,
        body: w.json ?? JSON.parse(w.body),
        received_at: w.receivedAt.toISOString(),
        processed_at: null,
      },
    },
    attempts: 1,
    max_attempts: claimed.maxAttempts,
    location_id: w.locationId,
    run_at: w.receivedAt,
  };
}
