import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { type Kysely, sql } from 'kysely';
import type { Database } from './database.js';
import { splitSql } from './split-sql.js';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

// Arbitrary constant shared by every instance: the advisory lock serialises concurrent start-ups.
const MIGRATION_LOCK = 727_431_001;

export interface MigrationFile {
  version: number;
  name: string;
  sql: string;
}

export async function readMigrations(dir = MIGRATIONS_DIR): Promise<MigrationFile[]> {
  const names = (await readdir(dir)).filter((n) => /^\d{4}_[\w-]+\.sql$/.test(n)).sort();
  return Promise.all(
    names.map(async (name) => ({
      version: Number.parseInt(name.slice(0, 4), 10),
      name,
      sql: await readFile(`${dir}/${name}`, 'utf8'),
    })),
  );
}

/**
 * Applies pending migrations in order, all in one transaction, under a transaction-level advisory lock so
 * that two instances starting together never apply the same file twice. Returns the names applied.
 */
export async function migrate(db: Kysely<Database>, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = await readMigrations(dir);
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK})`.execute(trx);
    await sql`create table if not exists schema_migrations (
      version integer primary key,
      name text not null,
      applied_at timestamptz not null default now()
    )`.execute(trx);
    const done = await sql<{ version: number }>`select version from schema_migrations`.execute(trx);
    const applied = new Set(done.rows.map((r) => r.version));
    const ran: string[] = [];
    for (const file of files) {
      if (applied.has(file.version)) continue;
      for (const statement of splitSql(file.sql)) await sql.raw(statement).execute(trx);
      await sql`insert into schema_migrations (version, name) values (${file.version}, ${file.name})`.execute(trx);
      ran.push(file.name);
    }
    return ran;
  });
}

export type { Database };
