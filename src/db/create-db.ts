import type { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './database.js';
import { lockDataDir } from './data-dir-lock.js';
import { PgliteConnection } from './pglite-connection.js';
import { PreparingClient } from './prepared.js';

export interface DbOptions {
  databaseUrl: string | undefined;
  dataDir: string;
  /** A migrated PGlite dump: tests start each file from it instead of running initdb (4-5 s) again. */
  pgliteTemplate?: Blob;
  /** Pool size on Postgres; PGlite is always one connection. */
  poolSize?: number;
}

export interface Db {
  db: Kysely<Database>;
  /**
   * The webhook inbox's writes (src/webhooks/intake.ts): on Postgres connections of their own, so that an
   * acknowledgement never queues for a connection behind the worker's jobs; PGlite's one connection is `db`.
   */
  intake: Kysely<Database>;
  kind: 'postgres' | 'pglite';
  /** The PGlite instance, when embedded: tests dump it to make a template. */
  pglite?: PGlite;
  close(): Promise<void>;
}

// Postgres bigint/numeric come back as strings by default; our counters fit in a JS number.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

/**
 * Speed: replaces the inbox writes' turn in the shared pool's queue, behind up to 24 jobs in flight; figure in the
 * README (issue 19). As many as the group commit's writes in flight (intake.ts MAX_IN_FLIGHT).
 */
const INTAKE_CONNECTIONS = 2;

function postgresKysely(url: string, max: number): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max, Client: PreparingClient });
  pool.on('error', () => {
    // An idle client lost its server (restart, outage); the pool replaces it. /readyz reports the outage.
  });
  pool.on('connect', (client) => {
    // pg also emits 'error' on a client checked out of the pool (a transaction between two statements) when
    // its server connection ends, and pg-pool listens only while the client is idle: unhandled, that event
    // killed the process at a Postgres restart (test/reliability/db-connection-loss.test.ts). The statement
    // in flight still fails, and the pool discards the broken client when it is released.
    client.on('error', () => {});
  });
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/**
 * One code path for both backends: kysely's PostgresDialect over a pg.Pool. PGlite's pool has max 1 (it is
 * single-connection) over one PgliteConnection (pglite-connection.ts); the connection timeout turns an
 * accidental use of `db` inside a transaction (which would wait forever for the one connection) into an error.
 */
export async function createDb(opts: DbOptions): Promise<Db> {
  if (opts.databaseUrl && opts.databaseUrl !== 'memory://') {
    const db = postgresKysely(opts.databaseUrl, opts.poolSize ?? 10);
    const intake = postgresKysely(opts.databaseUrl, INTAKE_CONNECTIONS);
    return { db, intake, kind: 'postgres', close: () => Promise.all([db.destroy(), intake.destroy()]).then(() => {}) };
  }
  // Loaded only when embedded: the module alone is about 50 MB of a Postgres-backed process's memory.
  const { PGlite } = await import('@electric-sql/pglite');
  const inMemory = opts.databaseUrl === 'memory://';
  const release = inMemory ? () => {} : lockDataDir(opts.dataDir);
  let pglite: PGlite;
  try {
    pglite = await PGlite.create(inMemory ? undefined : opts.dataDir, {
      loadDataDir: opts.pgliteTemplate,
    });
  } catch (err) {
    release();
    throw err;
  }
  // pg's Client takes a ready connection (undocumented, what PGlite's own adapter relies on too); PGlite
  // accepts any user and password.
  const config: pg.PoolConfig & { connection: PgliteConnection } = {
    user: 'postgres',
    password: 'unused',
    connection: new PgliteConnection(pglite),
    max: 1,
    connectionTimeoutMillis: 15_000,
    Client: PreparingClient,
  };
  const pool = new pg.Pool(config);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    intake: db,
    kind: 'pglite',
    pglite,
    close: async () => {
      await db.destroy();
      await pglite.close();
      release();
    },
  };
}
