import { sql } from 'kysely';
import { createDb, type Db } from '../../src/db/create-db.js';
import { onPostgres } from './db.js';

export type PlannerChoice = 'own choice' | 'rescanning';

/**
 * With these off, the planner turns `update jobs … where id in (select … limit n for update skip locked)` into a
 * nested-loop semi join whose inner side, the locking subquery, runs again for each row of jobs; each run skips
 * the rows the statement has just updated and locks the next ones, so one claim of 24 took all 1,500 due jobs of
 * its lane (measured by hand on Postgres 15). The planner may pick such a plan by itself (a generic plan, stale
 * statistics: the bench saw a claim of 24 return 32), so a claim must hold its limit under any plan.
 */
const RESCANNING_OFF = ['enable_hashjoin', 'enable_mergejoin', 'enable_material', 'enable_hashagg', 'enable_sort'];

/**
 * Connections to `main`'s database that plan as `choice` says. On Postgres a pool of its own, whose new
 * connections read the settings from the database; PGlite is one session, so `main` itself is steered.
 */
export async function connectPlanning(
  main: Db & { url: string },
  choice: PlannerChoice,
  poolSize: number,
): Promise<Db> {
  if (!onPostgres) {
    if (choice === 'rescanning')
      for (const name of RESCANNING_OFF) await sql`set ${sql.raw(name)} = off`.execute(main.db);
    return { ...main, close: async () => {} };
  }
  if (choice === 'rescanning') {
    const database = new URL(main.url).pathname.slice(1);
    for (const name of RESCANNING_OFF)
      await sql`alter database ${sql.id(database)} set ${sql.raw(name)} = off`.execute(main.db);
  }
  return createDb({ databaseUrl: main.url, dataDir: '', poolSize });
}
