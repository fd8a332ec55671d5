import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type Db } from '../../src/db/create-db.js';
import { PREPARED } from '../../src/db/prepared.js';
import { onPostgres, pgliteTemplate } from '../helpers/db.js';

// PGlite's connection whatever the suite's backend (without the suite's PGlite template on Postgres: initdb).
let db: Db;
beforeAll(async () => {
  db = await createDb({
    databaseUrl: 'memory://',
    dataDir: '',
    pgliteTemplate: onPostgres ? undefined : await pgliteTemplate(),
  });
  await sql`create table conn_t (id int primary key, v text)`.execute(db.db);
});
afterAll(() => db?.close());

describe('PGlite through its node-postgres connection', () => {
  it('hands on a reply that PGlite writes in many pieces whole and unchanged', async () => {
    const { rows } = await sql<{ n: number; s: string }>`
      select g as n, repeat(md5(g::text), 40) as s from generate_series(1, 2000) g`.execute(db.db);
    expect(rows).toHaveLength(2000);
    const { rows: check } = await sql<{ ok: boolean }>`
      select bool_and(s = repeat(md5(n::text), 40)) as ok
      from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(n int, s text)`.execute(db.db);
    expect(check[0]?.ok).toBe(true);
  });

  it('an error fails its own statement only, prepared or not, and the connection goes on', async () => {
    const insert = (id: number) => sql`${sql.raw(PREPARED)}insert into conn_t (id, v) values (${id}::int, 'x')`;
    await insert(1).execute(db.db);
    await expect(insert(1).execute(db.db)).rejects.toThrow(/duplicate key/);
    await expect(
      sql`insert into conn_t (id, v) values (${2}::int, ${'y'}), (${2}::int, ${'z'})`.execute(db.db),
    ).rejects.toThrow(/duplicate key/);
    await expect(sql`select from nowhere`.execute(db.db)).rejects.toThrow(/does not exist/);
    await insert(3).execute(db.db);
    const { rows } = await sql<{ id: number }>`select id from conn_t order by id`.execute(db.db);
    expect(rows.map((r) => r.id)).toEqual([1, 3]);
  });

  it('a transaction that fails rolls back whole; the next one commits', async () => {
    await expect(
      db.db.transaction().execute(async (trx) => {
        await sql`insert into conn_t (id, v) values (10, 'a')`.execute(trx);
        await sql`insert into conn_t (id, v) values (1, 'dup')`.execute(trx);
      }),
    ).rejects.toThrow(/duplicate key/);
    await db.db.transaction().execute(async (trx) => {
      await sql`insert into conn_t (id, v) values (11, 'b')`.execute(trx);
    });
    const { rows } = await sql<{ id: number }>`select id from conn_t where id >= 10 order by id`.execute(db.db);
    expect(rows.map((r) => r.id)).toEqual([11]);
  });

  it('queries issued at once each get their own answer, errors among them included', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) =>
        i % 7 === 3
          ? sql`select 1 / ${0}::int as v`.execute(db.db)
          : sql<{ v: number }>`${sql.raw(PREPARED)}select ${i}::int * 2 as v`.execute(db.db),
      ),
    );
    results.forEach((r, i) => {
      if (i % 7 === 3) expect(r.status).toBe('rejected');
      else expect(r.status === 'fulfilled' && r.value.rows[0]).toEqual({ v: i * 2 });
    });
  });

  it('a notice raised by a statement does not disturb its result', async () => {
    const { rows } = await sql<{ v: number }>`
      select v from (select 1 as v) s, lateral (select set_config('client_min_messages', 'notice', true)) c`.execute(
      db.db,
    );
    expect(rows).toEqual([{ v: 1 }]);
    await sql.raw(`do $$ begin raise notice 'hello'; end $$`).execute(db.db);
    const { rows: after } = await sql<{ v: number }>`select 2 as v`.execute(db.db);
    expect(after).toEqual([{ v: 2 }]);
  });
});
