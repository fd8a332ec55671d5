/**
 * Everything under /api: JSON bodies (only here: the webhook route needs its raw bytes), the session exchange,
 * then the session check in front of every other /api route.
 */
import express, { Router } from 'express';
import type { GhlDeps } from '../ghl/deps.js';
import { reportingRouter } from '../reporting/routes.js';
import { requireSession } from './auth.js';
import { digestRouter } from './digest-routes.js';
import { historyRouter } from './history.js';
import { createLookupCache } from './lookups.js';
import { settingsRouter } from './routes.js';
import { sessionRouter } from './session-route.js';
import { testCallRouter } from './test-call.js';

export function settingsApi(deps: GhlDeps): Router {
  const lookups = createLookupCache(deps);
  const r = Router();
  // The whole settings document, sequence emails included, fits well under this.
  r.use('/api', express.json({ limit: '1mb' }));
  r.use(sessionRouter(deps));
  r.use('/api', requireSession(deps));
  r.use(settingsRouter(deps, lookups));
  r.use(testCallRouter(deps, lookups));
  r.use(historyRouter(deps, lookups));
  r.use(digestRouter(deps, lookups));
  r.use(reportingRouter(deps, lookups));
  return r;
}
