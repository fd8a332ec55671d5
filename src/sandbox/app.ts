import express, { Router } from 'express';
import type { Clock } from '../clock.js';
import type { ApiRoute } from './api.js';
import { expressRouter } from './api-express.js';
import { contactRoutes } from './contacts.js';
import { authenticate, limitRate, recordBody, recordRequests } from './context.js';
import { type ConversationDeps, conversationRoutes } from './conversations.js';
import { directoryRoutes } from './directory.js';
import type { Faults } from './faults.js';
import { ghlPageRouter, type PageDeps } from './ghl-page.js';
import { checkVersion, handleErrors, notFound } from './ghl-http.js';
import { companyOAuthRoutes, type OAuthDeps, publicOAuthRouter } from './oauth.js';
import type { RateLimiter } from './rate-limit.js';
import { withScopes } from './scopes.js';
import { taskRoutes } from './tasks.js';
import { opportunityRoutes } from './opportunity-search.js';
import type { TokenStore } from './tokens.js';
import type { RecordedRequest } from './types.js';

export interface AppDeps extends ConversationDeps, OAuthDeps, PageDeps {
  clock: Clock;
  tokens: TokenStore;
  limiter: RateLimiter;
  faults: Faults;
  requests: RecordedRequest[];
}

/** The REST API's routes, in express's matching order; one group per router the app mounts. */
export function apiRouteGroups(deps: AppDeps): ApiRoute[][] {
  return [
    companyOAuthRoutes(deps),
    contactRoutes(deps),
    taskRoutes(deps),
    conversationRoutes(deps),
    directoryRoutes(deps),
    opportunityRoutes(deps),
  ].map((group) => group.map(withScopes));
}

/**
 * The order is the platform's: log, parse, public pages and OAuth, then for the REST API the Version check,
 * the bearer token, the rate limit and only then injected faults, so a faulted request still counts and
 * still carries rate-limit headers. Plain API requests never get here: src/sandbox/http-front.ts answers them.
 */
export function buildApp(deps: AppDeps, api: ApiRoute[][]): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(recordRequests(deps.clock, deps.requests));
  app.use(express.json({ limit: '1mb' }), express.urlencoded({ extended: false }));
  app.use(recordBody);
  app.use(ghlPageRouter(deps));
  // Voicemail and recording links in call events point here so they resolve; the audio is a placeholder.
  app.get('/recordings/:file', (_req, res) => {
    res.type('audio/mpeg').send(Buffer.alloc(0));
  });
  app.use(publicOAuthRouter(deps));
  const rest = Router();
  rest.use(checkVersion, authenticate(deps.tokens), limitRate(deps.limiter), deps.faults.middleware);
  rest.use(...api.map(expressRouter));
  rest.use(notFound);
  app.use(rest);
  app.use(handleErrors);
  return app;
}
