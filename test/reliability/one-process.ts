import { afterAll } from 'vitest';
import type { Db } from '../../src/db/create-db.js';
import type { LocationSeed, Sandbox } from '../../src/sandbox/index.js';
import { freshPostgresUrl } from '../helpers/db.js';
import { RingbackChild } from './child.js';
import { installLocations, openDb, startRealTimeSandbox } from './fleet.js';

/** A test file's one Ringback process and what it runs against. */
export interface OneProcess {
  sandbox: Sandbox;
  /** The test's own connection to the process's database. */
  db: Db;
  child: RingbackChild;
  /** Installed through the process, with fleet.ts's fast settings. */
  locations: LocationSeed[];
}

export interface OneProcessOptions {
  locations: number;
  env?: Record<string, string>;
  sandbox?: Parameters<typeof startRealTimeSandbox>[0];
}

/**
 * Call at a test file's top level: returns `start`, which brings up a real-time sandbox, a fresh Postgres
 * database, one Ringback process as production starts it, and `locations` installed through it. Whatever `start`
 * made, even half way, is closed after the file's tests, in reverse order; `beforeClose` runs first (a test that
 * stopped Postgres starts it again).
 */
export function oneProcess(beforeClose?: () => void): (o: OneProcessOptions) => Promise<OneProcess> {
  const made: Partial<OneProcess> = {};
  afterAll(async () => {
    beforeClose?.();
    await made.child?.stop();
    await made.db?.close();
    await made.sandbox?.close();
  });
  return async (o) => {
    const sandbox = await startRealTimeSandbox(o.sandbox);
    made.sandbox = sandbox;
    const databaseUrl = await freshPostgresUrl();
    const db = await openDb(databaseUrl);
    made.db = db;
    const child = await RingbackChild.start({ sandbox, databaseUrl, ...(o.env ? { env: o.env } : {}) });
    made.child = child;
    sandbox.setAppBaseUrl(child.url);
    const locations = await installLocations(sandbox, db, child.url, o.locations);
    return { sandbox, db, child, locations };
  };
}
