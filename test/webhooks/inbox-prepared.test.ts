import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/create-db.js';
import { type IncomingWebhook, storeWebhooks } from '../../src/webhooks/inbox.js';
import { freshDb } from '../helpers/db.js';

let db: Db;
beforeAll(async () => {
  db = await freshDb();
});
afterAll(() => db?.close());

const at = new Date('2026-01-05T15:00:00Z');

function incoming(webhookId: string): IncomingWebhook {
  const body = { type: 'InboundMessage', locationId: 'loc_prep', contactId: `con_${webhookId}`, messageType: 'SMS' };
  return {
    webhookId,
    type: 'InboundMessage',
    locationId: 'loc_prep',
    body: JSON.stringify(body),
    signatureKind: 'ed25519',
    receivedAt: at,
  };
}

describe('the inbox write as a prepared statement', () => {
  it('is prepared once per connection and, past the plan cache switch to a generic plan, stores batches of any size with duplicates', async () => {
    await db.db.connection().execute(async (conn) => {
      // Postgres plans a prepared statement for its values five times, then may keep one generic plan.
      const sizes = [1, 1, 2, 1, 3, 1, 5, 1, 40, 1];
      for (const [round, size] of sizes.entries()) {
        const batch = Array.from({ length: size }, (_, i) => incoming(`prep-${round}-${i}`));
        if (round > 0) batch.push(incoming(`prep-${round - 1}-0`), incoming(`prep-${round}-0`));
        const results = await storeWebhooks(conn, batch);
        expect(results.map((r) => r.duplicate)).toEqual([
          ...Array.from({ length: size }, () => false),
          ...(round > 0 ? [true, true] : []),
        ]);
      }
      const { rows } = await sql<{ n: number }>`
        select count(*)::int as n from pg_prepared_statements where statement like '%into webhook_inbox%'`.execute(
        conn,
      );
      expect(rows[0]?.n).toBe(1);
    });
    const { rows } = await sql<{ inbox: number; jobs: number }>`
      select (select count(*)::int from webhook_inbox where webhook_id like 'prep-%') as inbox,
             (select count(*)::int from jobs where unique_key like 'webhook:prep-%') as jobs`.execute(db.db);
    expect(rows[0]).toEqual({ inbox: 56, jobs: 56 });
  });
});
