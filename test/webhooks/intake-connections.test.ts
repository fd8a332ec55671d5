/**
 * GHL's deliveries are stored on connections of their own (src/db/create-db.ts): with every connection of the
 * shared pool held by the worker's jobs (24 in flight against 10 connections under load), an acknowledgement
 * used to wait its turn behind them (ack p50 24 ms at 100 missed calls/s in the end-to-end bench, issue 19).
 *
 * Postgres only: PGlite is one connection that everything shares.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTACTS, LOCATION_ID } from '../../src/sandbox/seed.js';
import { onPostgres } from '../helpers/db.js';
import { type Stack, startStack } from '../helpers/stack.js';

let stack: Stack;
beforeAll(async () => {
  if (onPostgres) stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

describe.skipIf(!onPostgres)('webhook intake on connections of its own', () => {
  it('stores and acknowledges a delivery while every connection of the shared pool is busy', async () => {
    // Stop the worker so that nothing else waits for the held connections, then hold all ten of them.
    await stack.rt.worker.stop();
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const holders = Array.from({ length: 10 }, () => stack.rt.db.db.connection().execute(() => held));
    try {
      const res = await stack.sandbox.deliver(
        { type: 'InboundMessage', locationId: LOCATION_ID, contactId: CONTACTS.jane, messageType: 'CALL' },
        { webhookId: 'while-pool-busy' },
      );
      // Behind the held connections it would have met the store's timeout (5 s) and answered 429.
      expect(res.status).toBe(200);
    } finally {
      release();
      await Promise.all(holders);
    }
    const rows = await stack.rt.db.db
      .selectFrom('webhook_inbox')
      .select('webhook_id')
      .where('webhook_id', '=', 'while-pool-busy')
      .execute();
    expect(rows).toHaveLength(1);
  });
});
