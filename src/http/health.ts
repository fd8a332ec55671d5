import { timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';
import { AppError } from '../errors.js';
import type { Metrics } from '../metrics.js';
import { withTimeout } from '../timeout.js';

/**
 * `/metrics` names queue depths, error rates and GHL answers: not for anyone on the internet. With
 * METRICS_TOKEN set it wants `Authorization: Bearer <token>` (401 otherwise); without one it is off (404), so
 * a deployment that forgot the token exposes nothing.
 */
export function healthRouter(db: Kysely<Database>, metrics: Metrics, metricsToken: string | undefined): Router {
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
  r.get('/metrics', async (req, res) => {
    if (metricsToken === undefined)
      throw new AppError(404, 'NOT_FOUND', 'metrics are off: set METRICS_TOKEN to serve them');
    if (!bearerMatches(req.headers.authorization, metricsToken)) {
      res.setHeader('WWW-Authenticate', 'Bearer');
      throw new AppError(401, 'UNAUTHORIZED', 'metrics need Authorization: Bearer <METRICS_TOKEN>');
    }
    res.type('text/plain; version=0.0.4').send(await metrics.render());
  });
  return r;
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const match = /^Bearer\s+(\S+)$/i.exec(header?.trim() ?? '');
  if (!match?.[1]) return false;
  const given = Buffer.from(match[1]);
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}
