/**
 * The token keys against the database: a start-up check that the configured keys read what is stored, and
 * re-encryption with the current key (one row when it is read, or every row from `npm run keys:rotate`).
 * docs/security.md §5.
 */
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';
import { openToken, sealToken, type TokenKey } from './crypto.js';

type Table = 'installations' | 'company_installs';

interface SealedRow {
  id: string;
  access_token_enc: string | null;
  refresh_token_enc: string | null;
}

const CONTEXT: Record<Table, (id: string) => string> = {
  installations: (id) => id,
  company_installs: (id) => `company:${id}`,
};
const ID: Record<Table, 'location_id' | 'company_id'> = {
  installations: 'location_id',
  company_installs: 'company_id',
};

export class TokenKeyMismatchError extends Error {
  constructor(where: string) {
    super(
      `TOKEN_ENCRYPTION_KEY does not decrypt the tokens stored in the database (${where}); start with the key they ` +
        'were written with, or list it in TOKEN_ENCRYPTION_KEYS after the new one',
    );
    this.name = 'TokenKeyMismatchError';
  }
}

/**
 * Tries the newest stored token of each table, and one still in the pre-rotation format: a wrong key stops
 * start-up here instead of every GHL step failing later ("token does not decrypt", eight attempts each).
 */
export async function checkTokenKeys(db: Kysely<Database>, keys: readonly TokenKey[]): Promise<void> {
  for (const table of ['installations', 'company_installs'] as const) {
    const newest = await sampleRows(db, table, sql`true`);
    const legacy = await sampleRows(db, table, sql`access_token_enc like 'v1:%'`);
    for (const row of [...newest, ...legacy]) {
      try {
        if (row.access_token_enc) openToken(keys, row.access_token_enc, CONTEXT[table](row.id));
      } catch {
        throw new TokenKeyMismatchError(`${ID[table]} ${row.id}`);
      }
    }
  }
}

function sampleRows(db: Kysely<Database>, table: Table, where: ReturnType<typeof sql>): Promise<SealedRow[]> {
  return sql<SealedRow>`
    select ${sql.ref(ID[table])} as id, access_token_enc, refresh_token_enc from ${sql.table(table)}
    where access_token_enc is not null and ${where} order by updated_at desc limit 1`
    .execute(db)
    .then((r) => r.rows);
}

/** The row's tokens sealed with the current key, or null when both already are. */
export function resealed(
  keys: readonly TokenKey[],
  table: Table,
  row: SealedRow,
): Pick<SealedRow, 'access_token_enc' | 'refresh_token_enc'> | null {
  const ctx = CONTEXT[table](row.id);
  const open = (v: string | null) => (v === null ? null : openToken(keys, v, ctx));
  const access = open(row.access_token_enc);
  const refresh = open(row.refresh_token_enc);
  if ((access?.current ?? true) && (refresh?.current ?? true)) return null;
  return {
    access_token_enc: access === null ? null : sealToken(keys, access.plaintext, ctx),
    refresh_token_enc: refresh === null ? null : sealToken(keys, refresh.plaintext, ctx),
  };
}

/**
 * Writes a row read with an old key again with the current one, unless a refresh changed it meanwhile (the
 * compare on the old ciphertext): rotation by use, so live installs move to the new key within a token's life.
 */
export async function resealOnRead(
  db: Kysely<Database>,
  keys: readonly TokenKey[],
  table: Table,
  row: SealedRow,
): Promise<void> {
  const next = resealed(keys, table, row);
  if (!next) return;
  await sql`
    update ${sql.table(table)} set access_token_enc = ${next.access_token_enc}, refresh_token_enc = ${next.refresh_token_enc}
    where ${sql.ref(ID[table])} = ${row.id} and access_token_enc is not distinct from ${row.access_token_enc}
      and refresh_token_enc is not distinct from ${row.refresh_token_enc}`.execute(db);
}

/** Every stored token re-encrypted with the current key, row by row under its lock; returns rows rewritten. */
export async function rotateAllTokens(db: Kysely<Database>, keys: readonly TokenKey[]): Promise<number> {
  let rewritten = 0;
  for (const table of ['installations', 'company_installs'] as const) {
    const ids = await sql<{ id: string }>`
      select ${sql.ref(ID[table])} as id from ${sql.table(table)} where access_token_enc is not null or refresh_token_enc is not null`
      .execute(db)
      .then((r) => r.rows.map((x) => x.id));
    for (const id of ids) {
      const done = await db.transaction().execute(async (trx) => {
        const locked = await sql<SealedRow>`
          select ${sql.ref(ID[table])} as id, access_token_enc, refresh_token_enc from ${sql.table(table)}
          where ${sql.ref(ID[table])} = ${id} for update`.execute(trx);
        const row = locked.rows[0];
        const next = row ? resealed(keys, table, row) : null;
        if (!next) return false;
        await sql`update ${sql.table(table)} set access_token_enc = ${next.access_token_enc},
          refresh_token_enc = ${next.refresh_token_enc} where ${sql.ref(ID[table])} = ${id}`.execute(trx);
        return true;
      });
      if (done) rewritten++;
    }
  }
  return rewritten;
}
