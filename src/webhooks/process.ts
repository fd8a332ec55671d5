import { z } from 'zod';
import type { GhlDeps } from '../ghl/deps.js';
import { ghlJobError } from '../ghl/job-errors.js';
import { handleInstallEvent, handleUninstallEvent } from '../installations/install.js';
import { PermanentJobError } from '../jobs/errors.js';
import { defineJob, type JobDefinition } from '../jobs/registry.js';
import { dispatchToFollowup, type InboxEvent } from './dispatch.js';
import { InstallEvent, UninstallEvent } from './events.js';
import { claimInbox, loadInbox, recordInboxError, WEBHOOK_JOB } from './inbox.js';

/**
 * Processes one stored webhook. Exactly once: the job is unique per webhookId, and the inbox row is claimed
 * (processed_at set) in the same transaction as the event's effects, so a re-run after a crash finds it done.
 * INSTALL is the exception: it calls GHL to mint a token, which no transaction can cover; every step of it is
 * idempotent, so it is simply run again until it completes.
 */
export async function processWebhook(deps: GhlDeps, webhookId: string): Promise<void> {
  const row = await loadInbox(deps.db, webhookId);
  if (!row) throw new PermanentJobError(`webhook ${webhookId} is not in the inbox`);
  if (row.processed_at) return;
  const body = row.body as Record<string, unknown>;
  const now = () => deps.clock.now();
  try {
    if (row.type === 'INSTALL') {
      await handleInstallEvent({ ...deps, auth: deps.ghlAuth }, InstallEvent.parse(body));
      await deps.db.transaction().execute((trx) => claimInbox(trx, webhookId, now()));
      return;
    }
    await deps.db.transaction().execute(async (trx) => {
      if (!(await claimInbox(trx, webhookId, now()))) return;
      if (row.type === 'UNINSTALL') {
        const ended = await handleUninstallEvent(trx, UninstallEvent.parse(body), now());
        if (ended.length) deps.logger.info({ locations: ended }, 'uninstalled');
        return;
      }
      const event: InboxEvent = {
        webhookId,
        type: row.type,
        locationId: row.location_id,
        body,
        receivedAt: row.received_at,
      };
      await dispatchToFollowup(trx, deps, event);
    });
  } catch (err) {
    await recordInboxError(
      deps.db,
      webhookId,
      err instanceof Error ? `${err.name}: ${err.message}` : String(err),
    ).catch(() => {});
    throw asJobError(err);
  }
}

/** A stored event that does not parse never will; GHL's answers map as for every job (ghl/job-errors.ts). */
function asJobError(err: unknown): unknown {
  if (err instanceof z.ZodError) return new PermanentJobError(err.message, { cause: err });
  return ghlJobError(err, 'final');
}

export function webhookProcessJob(deps: GhlDeps): JobDefinition {
  return defineJob({
    kind: WEBHOOK_JOB,
    schema: z.object({ webhookId: z.string().min(1) }),
    handle: ({ webhookId }) => processWebhook(deps, webhookId),
  });
}
