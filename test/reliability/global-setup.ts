import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createDb } from '../../src/db/create-db.js';
import { migrate } from '../../src/db/migrate.js';
import { withDatabase } from '../helpers/global-setup.js';

/** One statement on a short-lived admin connection. */
async function admin(url: string, statement: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  client.on('error', () => {});
  await client.connect();
  try {
    const res = await client.query<{ datname: string }>(statement);
    return res.rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}

/**
 * As test/helpers/global-setup.ts (a migrated template every test file clones), but holding no connection open
 * between setup and teardown: the Postgres outage test stops the server, and an idle client's 'error' event
 * would kill the runner before the test could start the server again.
 */
export default async function setup(project: TestProject) {
  const url = process.env.DATABASE_URL;
  if (!url || url === 'memory://') return undefined;
  const template = `ringback_tmpl_${process.pid}`;
  await admin(url, `drop database if exists ${template}`);
  await admin(url, `create database ${template}`);
  const db = await createDb({ databaseUrl: withDatabase(url, template), dataDir: '' });
  await migrate(db.db);
  await db.close();
  project.provide('pgTemplate', template);
  return async () => {
    const names = await admin(url, `select datname from pg_database where datname like 'ringback_t%_${process.pid}%'`);
    for (const name of names) await admin(url, `drop database if exists ${name} with (force)`);
  };
}
