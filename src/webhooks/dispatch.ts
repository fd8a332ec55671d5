import type { Kysely } from 'kysely';
import type { GhlDeps } from '../ghl/deps.js';
import type { Database } from '../db/database.js';
import { ingestEvent } from '../followup/ingest.js';

/** A stored webhook, as the processing job hands it on. */
export interface InboxEvent {
  webhookId: string;
  type: string;
  locationId: string | null;
  /** The event exactly as GHL sent it (verified, schema-checked for known types). */
  body: Record<string, unknown>;
  receivedAt: Date;
  /** Set when no webhook brought the event: the sweep found it through GHL's API (src/followup/sweep.ts). */
  foundBy?: 'sweep';
}

/**
 * Every event but INSTALL/UNINSTALL goes to the follow-up engine here, inside the transaction that marks the
 * inbox row processed: what it writes (missed calls, runs, jobs) commits exactly once with that mark. It must
 * not call GHL (enqueue a job instead) and must use `trx`, never `deps.db`. Unknown types arrive here too.
 */
export async function dispatchToFollowup(trx: Kysely<Database>, deps: GhlDeps, event: InboxEvent): Promise<void> {
  await ingestEvent(trx, deps, event);
}
