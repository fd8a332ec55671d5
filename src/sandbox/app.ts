import express, { Router } from 'express';
import type { Clock } from '../clock.js';
import { authenticate, limitRate, recordBody, recordRequests } from './context.js';
import { contactsRouter } from './contacts.js';
import { type ConversationDeps, conversationsRouter } from './conversations.js';
import { directoryRouter } from './directory.js';
import type { Faults } from './faults.js';
import { ghlPageRouter, type PageDeps } from './ghl-page.js';
import { checkVersion, handleErrors, notFound } from './ghl-http.js';
import { companyOAuthRouter, type OAuthDeps, publicOAuthRouter } from './oauth.js';
import type { RateLimiter } from './rate-limit.js';
import { tasksRouter } from './tasks.js';
import type { TokenStore } from './tokens.js';
import type { RecordedRequest } from './types.js';

export interface AppDeps extends ConversationDeps, OAuthDeps, PageDeps {
  clock: Clock;
  tokens: TokenStore;
  limiter: RateLimiter;
  faults: Faults;
  requests: RecordedRequest[];
}

/**
 * The order is the platform's: log, parse, public pages and OAuth, then for the REST API the Version check,
 * the bearer token, the rate limit and only then injected faults, so a faulted request still counts and
 * still carries rate-limit headers.
 */
export function buildApp(deps: AppDeps): express.Express {
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
  rest.use(companyOAuthRouter(deps), contactsRouter(deps), tasksRouter(deps));
  rest.use(conversationsRouter(deps), directoryRouter(deps));
  rest.use(notFound);
  app.use(rest);
  app.use(handleErrors);
  return app;
}
