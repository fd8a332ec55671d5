import type { IncomingMessage, ServerResponse } from 'node:http';
import express from 'express';
import { reportingRouter } from './reporting/routes.js';
import { requireSession } from './session/auth.js';
import { sessionRouter } from './session/route.js';
import { digestRouter } from './settings/digest-routes.js';
import { historyRouter } from './settings/history.js';
import { createLookupCache } from './settings/lookups.js';
import { settingsRouter } from './settings/routes.js';
import { sendToPhoneRouter } from './settings/send-to-phone.js';
import { testCallRouter } from './settings/test-call.js';
import { quietWebhook } from './followup/quiet-webhook.js';
import type { GhlDeps } from './ghl/deps.js';
import type { LocationHooks } from './installations/install.js';
import { compileTrustProxy } from './http/client-address.js';
import { errorHandler, notFound } from './http/errors.js';
import { hstsSetter } from './http/hsts.js';
import { healthRouter } from './http/health.js';
import { requestLog } from './http/request-log.js';
import { securityHeaders } from './http/security-headers.js';
import { installationsRouter } from './installations/routes.js';
import { portfolioRouter } from './portfolio/routes.js';
import { settingsPage } from './settings/page.js';
import { webhookFront } from './webhooks/front.js';
import { webhookIntake } from './webhooks/intake.js';
import { webhooksRouter } from './webhooks/routes.js';

/** The process's dependencies as the root hands them to the routes and the job kinds. */
export interface AppDeps extends GhlDeps {
  /** What a location's install and uninstall set off in the other features (src/fan-out.ts). */
  locationHooks: LocationHooks;
}

/** The service's request listener: `http.createServer(app)`, or `supertest(app)` in tests. */
export type App = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Builds the HTTP app without listening: main.ts, the demo and the tests all use this. GHL's deliveries go
 * to webhooks/front.ts first; everything else, and the deliveries it leaves, to express.
 */
export function createApp(deps: AppDeps): App {
  // Texts and emails of contacts without a run are stored processed, with no job (docs/quiet-webhooks.md).
  const intake = webhookIntake(deps, quietWebhook);
  const front = webhookFront(intake, deps);
  const app = express();
  app.disable('x-powered-by');
  // Only the proxies TRUST_PROXY names may set the client address (per-address limits are spoofable otherwise).
  app.set('trust proxy', compileTrustProxy(deps.config.trustProxy));
  const hsts = hstsSetter(deps.config.appBaseUrl);
  app.use(securityHeaders);
  app.use((_req, res, next) => {
    hsts(res);
    next();
  });
  app.use(requestLog(deps.logger, deps.metrics));
  app.use(webhooksRouter(intake));
  app.use(healthRouter(deps.db, deps.metrics, deps.config.metricsToken));
  app.use(installationsRouter(deps));
  // Before the sub-account API: the agency view has its own session (a company token).
  app.use(portfolioRouter(deps));
  // Everything under /api: JSON bodies (only here: the webhook route needs its raw bytes), the session
  // exchange, then the session check in front of every other /api route. The whole settings document,
  // sequence emails included, fits well under the limit.
  app.use('/api', express.json({ limit: '1mb' }));
  app.use(sessionRouter(deps));
  app.use('/api', requireSession(deps));
  const lookups = createLookupCache(deps);
  app.use(settingsRouter(deps, lookups));
  app.use(testCallRouter(deps, lookups));
  app.use(sendToPhoneRouter(deps, lookups));
  app.use(historyRouter(deps, lookups));
  app.use(digestRouter(deps, lookups));
  app.use(reportingRouter(deps, lookups));
  app.use(settingsPage(deps));
  app.use(notFound);
  app.use(errorHandler(deps.logger));
  return (req, res) => {
    if (!front(req, res)) app(req, res);
  };
}
