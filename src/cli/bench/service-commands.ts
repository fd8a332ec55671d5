import { CompiledQuery, type Kysely } from 'kysely';
import type { Db } from '../../db/create-db.js';
import type { Database } from '../../db/database.js';
import { claimJobs } from '../../jobs/queries.js';
import type { CeilingResult, ClaimResult } from './protocol.js';
import { summarize } from './stats.js';

type K = Kysely<Database>;

export async function runSql(db: K, text: string, values: unknown[]): Promise<Record<string, unknown>[]> {
  const res = await db.executeQuery<Record<string, unknown>>(CompiledQuery.raw(text, values));
  return [...res.rows];
}

/**
 * The ceiling of ingestion: autocommit single-row inserts of an inbox-sized row (text key, ~600 B jsonb,
 * timestamp) through the service's own pool, `concurrency` loops at once.
 */
export async function insertCeiling(db: K, arg: { durationMs: number; concurrency: number }): Promise<CeilingResult> {
  await runSql(
    db,
    'create table if not exists bench_ceiling (id bigserial primary key, k text not null unique, body jsonb not null, at timestamptz not null)',
    [],
  );
  const body = JSON.stringify({ type: 'InboundMessage', padding: 'x'.repeat(560) });
  let commits = 0;
  const start = performance.now();
  const until = start + arg.durationMs;
  const loop = async (c: number) => {
    for (let i = 0; performance.now() < until; i++) {
      await runSql(db, 'insert into bench_ceiling (k, body, at) values ($1, $2, $3)', [`${c}-${i}`, body, new Date()]);
      commits += 1;
    }
  };
  await Promise.all(Array.from({ length: arg.concurrency }, (_, c) => loop(c)));
  const elapsedMs = performance.now() - start;
  await runSql(db, 'drop table bench_ceiling', []);
  return { commits, elapsedMs, rate: commits / (elapsedMs / 1000), concurrency: arg.concurrency };
}

/**
 * The worker's claim statement timed alone: `rounds` claims of `limit` due jobs (kind bench.claim, which the
 * caller keeps away from a running worker by stopping it first), with whatever else sits in the table.
 */
export async function claimBench(db: K, arg: { rounds: number; limit: number }): Promise<ClaimResult> {
  // Due long ago, so they are the first in the claim's order whatever else is due.
  await runSql(
    db,
    `insert into jobs (kind, payload, run_at, created_at, updated_at)
     select 'bench.claim', '{}'::jsonb, timestamptz '2000-01-01' + make_interval(secs => g), now(), now()
     from generate_series(1, $1::int) g`,
    [arg.rounds * arg.limit],
  );
  await runSql(db, 'analyze jobs', []);
  const plan = await runSql(
    db,
    `explain (analyze, costs off) select id from jobs where state = 'pending' and run_at <= $1
     order by run_at, id limit ${arg.limit} for update skip locked`,
    [new Date()],
  );
  const times: number[] = [];
  let claimed = 0;
  for (let r = 0; r < arg.rounds; r++) {
    const t0 = performance.now();
    const jobs = await claimJobs(db, { workerId: 'bench-claim', now: new Date(), limit: arg.limit });
    times.push(performance.now() - t0);
    claimed += jobs.length;
  }
  await runSql(db, "delete from jobs where kind = 'bench.claim'", []);
  return { claimMs: summarize(times), claimed, plan: plan.map((r) => String(Object.values(r)[0])).join('\n') };
}

/** Postgres: pg_database_size. PGlite: the size of its data-dir dump (what a backup of it weighs). */
export async function databaseSize(db: Db): Promise<{ bytes: number; method: string; tables: Record<string, number> }> {
  // PGlite answers pg_database_size too; its dumpDataDir, used before, ran for minutes (tens of MB through
  // JavaScript) and left the bench's end-to-end phase looking hung.
  const rows = await runSql(db.db, 'select pg_database_size(current_database())::bigint as bytes', []);
  // Each table with its indexes and TOAST, so the report can say where a missed call's bytes go.
  const perTable = await runSql(
    db.db,
    `select c.relname as t, pg_total_relation_size(c.oid)::bigint as bytes
     from pg_class c join pg_namespace n on n.oid = c.relnamespace
     where n.nspname = 'public' and c.relkind = 'r'`,
    [],
  );
  const tables = Object.fromEntries(perTable.map((r) => [String(r['t']), Number(r['bytes'])]));
  return { bytes: Number(rows[0]?.['bytes'] ?? 0), method: 'pg_database_size', tables };
}
