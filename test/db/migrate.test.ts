import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/db/create-db.js';
import { lockDataDir } from '../../src/db/data-dir-lock.js';
import { migrate, readMigrations } from '../../src/db/migrate.js';
import { freshDb, onPostgres } from '../helpers/db.js';

const opened: Db[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((d) => d.close()));
});

describe('migrations', () => {
  it('are applied once: a second start applies nothing', async () => {
    const db = await freshDb();
    opened.push(db);
    // The template is already migrated, as after a first start.
    expect(await migrate(db.db)).toEqual([]);
    const rows = await sql<{ name: string }>`select name from schema_migrations order by version`.execute(db.db);
    expect(rows.rows.map((r) => r.name)).toEqual((await readMigrations()).map((m) => m.name));
  });

  it('applies new files in order and records them', async () => {
    const db = await freshDb();
    opened.push(db);
    const dir = await mkdtemp(join(tmpdir(), 'rb-mig-'));
    await writeFile(join(dir, '9002_b.sql'), 'insert into t values (2);');
    await writeFile(join(dir, '9001_a.sql'), 'create table t (v int); insert into t values (1);');
    expect(await migrate(db.db, dir)).toEqual(['9001_a.sql', '9002_b.sql']);
    expect(await migrate(db.db, dir)).toEqual([]);
    const rows = await sql<{ v: number }>`select v from t order by v`.execute(db.db);
    expect(rows.rows.map((r) => r.v)).toEqual([1, 2]);
  });

  it.skipIf(!onPostgres)('two concurrent starts on Postgres do not collide', async () => {
    const first = await freshDb();
    opened.push(first);
    const second = await createDb({ databaseUrl: first.url, dataDir: '' });
    opened.push(second);
    const dir = await mkdtemp(join(tmpdir(), 'rb-mig-'));
    // Slow enough that both starts overlap inside the migration.
    await writeFile(join(dir, '9001_slow.sql'), 'select pg_sleep(0.3); create table once_only (v int);');
    const results = await Promise.all([migrate(first.db, dir), migrate(second.db, dir)]);
    expect(results.flat()).toEqual(['9001_slow.sql']);
  });

  it.skipIf(onPostgres)('a second process on the same PGlite folder is refused with a clear message', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rb-data-'));
    // This process holds the folder as createDb does (the lock comes before PGlite opens it); the second
    // process goes through createDb itself.
    const release = lockDataDir(dir);
    opened.push({ close: async () => release() } as Db);
    const { spawnSync } = await import('node:child_process');
    const script = `import { createDb } from './src/db/create-db.ts';
      try { await createDb({ databaseUrl: undefined, dataDir: ${JSON.stringify(dir)} }); console.log('opened'); }
      catch (e) { console.log(e.message); }`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(r.stdout).toMatch(/is in use by process \d+: embedded PGlite serves one process only/);
  });
});
