import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ManualClock } from '../../src/clock.js';
import { createDb, type Db } from '../../src/db/create-db.js';
import { createRegistry, defineJob } from '../../src/jobs/registry.js';
import { createWorker } from '../../src/jobs/worker.js';
import { freshDb, onPostgres } from '../helpers/db.js';
import { silentLogger } from '../helpers/logger.js';

describe.skipIf(!onPostgres)('four workers on one Postgres', () => {
  let main: Db & { url: string };
  const pools: Db[] = [];
  beforeAll(async () => {
    main = await freshDb();
    await sql`create table job_runs (job_id int not null, worker text not null)`.execute(main.db);
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
    await main.close();
  });

  it('run each of 2,000 jobs exactly once', async () => {
    const clock = new ManualClock('2026-03-02T12:00:00Z');
    await sql`insert into jobs (kind, payload, run_at, created_at, updated_at)
      select 'count', jsonb_build_object('i', g), ${clock.now()}, ${clock.now()}, ${clock.now()}
      from generate_series(1, 2000) g`.execute(main.db);
    const workers = await Promise.all(
      [1, 2, 3, 4].map(async (i) => {
        const db = await createDb({ databaseUrl: main.url, dataDir: '', poolSize: 4 });
        pools.push(db);
        const registry = createRegistry([
          defineJob({
            kind: 'count',
            schema: z.object({ i: z.number() }),
            async handle(_p, job) {
              await sql`insert into job_runs values (${job.id}, ${`w${i}`})`.execute(db.db);
            },
          }),
        ]);
        return createWorker({ db: db.db, registry, clock, logger: silentLogger, workerId: `w${i}`, concurrency: 8 });
      }),
    );
    await Promise.all(workers.map((w) => w.drain()));
    const stats = await sql<{ runs: number; distinct_jobs: number; workers: number }>`
      select count(*)::int as runs, count(distinct job_id)::int as distinct_jobs,
        count(distinct worker)::int as workers from job_runs`.execute(main.db);
    expect(stats.rows[0]).toEqual({ runs: 2000, distinct_jobs: 2000, workers: 4 });
    const left = await sql<{ n: number }>`select count(*)::int as n from jobs where state <> 'done'`.execute(main.db);
    expect(left.rows[0]?.n).toBe(0);
  });
});
