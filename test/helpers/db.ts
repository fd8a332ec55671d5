import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb, type Db } from '../../src/db/create-db.js';
import { withDatabase } from './global-setup.js';

export const onPostgres = Boolean(process.env.DATABASE_URL && process.env.DATABASE_URL !== 'memory://');

let templateBlob: Blob | undefined;

/** The database URL of a fresh clone of the migrated template (Postgres only). */
export async function freshPostgresUrl(): Promise<string> {
  const url = process.env.DATABASE_URL!;
  const name = `ringback_t${randomUUID().replace(/-/g, '').slice(0, 10)}_${inject('pgTemplate')!.split('_').pop()}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`create database ${name} template ${inject('pgTemplate')}`);
  } finally {
    await admin.end();
  }
  return withDatabase(url, name);
}

export async function pgliteTemplate(): Promise<Blob> {
  if (!templateBlob) templateBlob = new Blob([await readFile(inject('pgliteTemplateFile')!)]);
  return templateBlob;
}

/** A migrated, empty database of the suite's backend, private to the caller. */
export async function freshDb(opts: { poolSize?: number } = {}): Promise<Db & { url: string }> {
  if (onPostgres) {
    const url = await freshPostgresUrl();
    return { ...(await createDb({ databaseUrl: url, dataDir: '', poolSize: opts.poolSize })), url };
  }
  const db = await createDb({ databaseUrl: 'memory://', dataDir: '', pgliteTemplate: await pgliteTemplate() });
  return { ...db, url: 'memory://' };
}
