import { Router } from 'express';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';
import type { Metrics } from '../metrics.js';
import { withTimeout } from '../timeout.js';

export function healthRouter(db: Kysely<Database>, metrics: Metrics): Router {
  const r = Router();
  r.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  r.get('/readyz', async (_req, res) => {
    try {
      await withTimeout(sql`select 1`.execute(db), 2000);
      res.json({ status: 'ready', database: 'ok' });
    } catch {
      res.status(503).json({ error: { code: 'NOT_READY', message: 'the database is not reachable' } });
    }
  });
  r.get('/metrics', async (_req, res) => {
    res.type('text/plain; version=0.0.4').send(await metrics.render());
  });
  return r;
}
