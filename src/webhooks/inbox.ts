import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { SignatureKind, WebhookInboxTable } from '../installations/tables.js';
import { enqueueJob } from '../jobs/queries.js';

type Executor = Kysely<Database>;
export type InboxRow = Selectable<WebhookInboxTable>;

export const WEBHOOK_JOB = 'webhook.process';

export interface IncomingWebhook {
  webhookId: string;
  type: string;
  locationId: string | null;
  /** The raw JSON text, stored as jsonb. */
  body: string;
  signatureKind: SignatureKind;
}

/**
 * One transaction: the inbox row and, only when the row is new, its processing job (unique per webhookId).
 * A redelivery of a stored event changes nothing. Returns whether the event was a duplicate.
 */
export async function storeWebhook(db: Executor, w: IncomingWebhook, now: Date): Promise<{ duplicate: boolean }> {
  return db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('webhook_inbox')
      .values({
        webhook_id: w.webhookId,
        type: w.type,
        location_id: w.locationId,
        body: w.body,
        signature_kind: w.signatureKind,
        received_at: now,
      })
      .onConflict((oc) => oc.column('webhook_id').doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return { duplicate: true };
    await enqueueJob(
      trx,
      {
        kind: WEBHOOK_JOB,
        payload: { webhookId: w.webhookId },
        runAt: now,
        uniqueKey: `webhook:${w.webhookId}`,
        locationId: w.locationId,
      },
      now,
    );
    return { duplicate: false };
  });
}

export async function loadInbox(db: Executor, webhookId: string): Promise<InboxRow | undefined> {
  return db.selectFrom('webhook_inbox').selectAll().where('webhook_id', '=', webhookId).executeTakeFirst();
}

/**
 * Claims the event for processing inside the transaction of its effects: true once, ever. The row lock this
 * update takes also keeps a second worker waiting until the first commits or rolls back.
 */
export async function claimInbox(trx: Executor, webhookId: string, now: Date): Promise<boolean> {
  const res = await trx
    .updateTable('webhook_inbox')
    .set({ processed_at: now, error: null })
    .where('webhook_id', '=', webhookId)
    .where('processed_at', 'is', null)
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

/** The last processing error, for the timeline and support; the job keeps retrying or goes dead on its own. */
export async function recordInboxError(db: Executor, webhookId: string, error: string): Promise<void> {
  await db
    .updateTable('webhook_inbox')
    .set({ error: error.slice(0, 2000) })
    .where('webhook_id', '=', webhookId)
    .where('processed_at', 'is', null)
    .execute();
}
