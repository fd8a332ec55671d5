/**
 * The statements of a missed call's whole path read the tables that grow with traffic through an index, never
 * whole. A step's touch-cap count once read all of run_steps (no index held a contact's texts in every state):
 * Postgres CPU per step rose with the table, 13 ms at 6,000 runs in the bench (issue 19, migrations/0024). On
 * tables this small the planner would scan them whole anyway, so the database here forbids sequential scans
 * (enable_seqscan off): a statement that still scans one has no index it could use.
 *
 * Postgres only: the counters are Postgres's statistics (pg_stat_user_tables), which PGlite does not keep alike.
 */
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { freshPostgresUrl, onPostgres } from '../helpers/db.js';
import { type EngineStack, HOUR, LOCATION_ID, MIN, startEngineStack } from '../helpers/engine.js';

/** The tables that grow with every call, text and email. */
const GROWING = [
  'jobs',
  'runs',
  'run_steps',
  'run_events',
  'contact_events',
  'contact_flags',
  'missed_calls',
  'webhook_inbox',
  'voice_ai_calls',
];

let s: EngineStack | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

async function withClient<T>(url: string, f: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}

/** Sequential scans per growing table, once every other backend of the database has gone (and flushed them). */
async function seqScans(url: string): Promise<Record<string, number>> {
  return withClient(url, async (c) => {
    for (let i = 0; i < 50; i++) {
      const others = await c.query(
        'select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
      );
      if (others.rows[0].n === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await c.query('select pg_stat_clear_snapshot()');
    const res = await c.query<{ relname: string; seq_scan: string }>(
      'select relname, seq_scan from pg_stat_user_tables where relname = any($1)',
      [GROWING],
    );
    return Object.fromEntries(res.rows.map((r) => [r.relname, Number(r.seq_scan)]));
  });
}

describe.skipIf(!onPostgres)('a missed call and its whole sequence scan no growing table', () => {
  it('reads jobs, runs, steps, events, calls and the inbox through indexes only', async () => {
    const url = await freshPostgresUrl();
    const name = new URL(url).pathname.slice(1);
    await withClient(url, (c) => c.query(`alter database ${name} set enable_seqscan = off`));
    const before = await seqScans(url);

    s = await startEngineStack({ databaseUrl: url });
    const { contactId } = await s.missedCall();
    await s.advance(3 * MIN);
    expect(s.sent(contactId).sms).toHaveLength(1);
    // A second call from the same caller joins the run; then the rest of the day's sequence.
    await s.missedCall();
    await s.advance(26 * HOUR, 15 * MIN);
    expect(s.sent(contactId).email.length).toBeGreaterThan(0);
    // The caller texts back after the sequence; then a text of somebody who never called (a quiet webhook).
    await s.sandbox.phone.reply({ locationId: LOCATION_ID, contactId, body: 'what are your hours?' });
    await s.settle();
    await s.close();
    s = undefined;

    const after = await seqScans(url);
    const scanned = GROWING.filter((t) => (after[t] ?? 0) > (before[t] ?? 0)).map(
      (t) => `${t}: ${(after[t] ?? 0) - (before[t] ?? 0)}`,
    );
    expect(scanned).toEqual([]);
  }, 60_000);
});
