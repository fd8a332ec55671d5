import { describe, expect, it } from 'vitest';
import { splitSql } from '../../src/db/split-sql.js';

describe('splitSql', () => {
  it('splits on semicolons outside quotes, dollar quotes and comments', () => {
    const text = `create table a (v text default 'x;y'); -- a comment; with a semicolon
      /* block; comment */ create function f() returns int as $fn$ select 1; $fn$ language sql;
      insert into "we;ird" values ('it''s;');`;
    expect(splitSql(text)).toEqual([
      "create table a (v text default 'x;y')",
      expect.stringContaining('$fn$ select 1; $fn$ language sql'),
      `insert into "we;ird" values ('it''s;')`,
    ]);
  });
  it('drops empty and comment-only pieces', () => {
    expect(splitSql('-- only a comment\n;;  ')).toEqual([]);
  });
});
