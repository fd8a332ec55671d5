import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/create-db.js';
import { PREPARED } from '../../src/db/prepared.js';
import { freshDb } from '../helpers/db.js';

let db: Db;
beforeAll(async () => {
  db = await freshDb();
});
afterAll(() => db?.close());

describe('prepared statements', () => {
  it('a marked statement is prepared once per connection and reused; an unmarked one is not prepared', async () => {
    await db.db.connection().execute(async (conn) => {
      const prepared = async () =>
        (
          await sql<{ name: string; statement: string }>`select name, statement from pg_prepared_statements`.execute(
            conn,
          )
        ).rows;
      const before = (await prepared()).length;
      for (const n of [1, 2, 3]) {
        const { rows } = await sql<{ v: number }>`${sql.raw(PREPARED)}select ${n}::int + 1 as v`.execute(conn);
        expect(rows[0]?.v).toBe(n + 1);
      }
      await sql`select ${4}::int + 1 as v`.execute(conn);
      const after = await prepared();
      expect(after.length).toBe(before + 1);
      expect(after.find((p) => p.statement.includes('+ 1 as v'))).toMatchObject({
        name: expect.stringMatching(/^rb_[0-9a-f]{16}$/),
      });
    });
  });
});
