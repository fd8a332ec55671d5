import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/db/create-db.js';
import { freshPostgresUrl, onPostgres } from '../helpers/db.js';
import { sleep } from './fleet.js';

let db: Db | undefined;
afterAll(async () => {
  await db?.close();
});

async function terminate(url: string, pid: number): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query('select pg_terminate_backend($1)', [pid]);
  } finally {
    await admin.end();
  }
}

/**
 * Found by the Postgres outage test: the Ringback process died when the server stopped. pg emits 'error' on a
 * client checked out of the pool (a transaction between two statements) when its server connection ends, and
 * pg-pool listens for it only while the client is idle: the unhandled 'error' event killed the process. Here the
 * connection of an open transaction is terminated the way a failover or pg_terminate_backend does it.
 */
describe.skipIf(!onPostgres)('a server connection lost in the middle of a transaction', () => {
  it('fails that transaction only: the process lives on and the pool serves the next query', async () => {
    const url = await freshPostgresUrl();
    db = await createDb({ databaseUrl: url, dataDir: '', poolSize: 2 });
    const failed = await db.db
      .transaction()
      .execute(async (trx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(trx);
        await terminate(url, rows[0]!.pid);
        // The server's FATAL arrives while no query is active: the moment pg emits 'error' on the client.
        await sleep(300);
        await sql`select 1`.execute(trx);
      })
      .then(() => null)
      .catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(Error);
    const { rows } = await sql<{ ok: number }>`select 1 as ok`.execute(db.db);
    expect(rows).toEqual([{ ok: 1 }]);
  });
});
