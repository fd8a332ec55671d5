import type { NextFunction, Request, Response } from 'express';
import type { Clock } from '../clock.js';
import { bearerGrant, INVALID_TOKEN } from './auth.js';
import { GhlError, sendError } from './ghl-http.js';
import type { RateLimiter } from './rate-limit.js';
import { locationHint, openEntry, redact } from './request-log.js';
import { type AccessGrant, resourceOf, type TokenStore } from './tokens.js';
import type { RecordedRequest } from './types.js';

// The express side of the pipeline: src/sandbox/exchange.ts runs the same steps for the front's requests.

interface RequestContext {
  entry: RecordedRequest;
  grant?: AccessGrant;
}

/** Per-request state kept beside the request rather than on `res.locals`, which express types as `any`. */
const contexts = new WeakMap<Request, RequestContext>();

/** Logs the request at arrival and fills in the status when the head is written, before the client sees it. */
export function recordRequests(clock: Clock, log: RecordedRequest[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const entry = openEntry(clock, log, req.method, req.path, req.query);
    contexts.set(req, { entry });
    const writeHead = res.writeHead;
    res.writeHead = function (this: Response, ...args: unknown[]) {
      entry.status = this.statusCode;
      const first = args[0];
      if (typeof first === 'number') entry.status = first;
      return Reflect.apply(writeHead, this, args);
    } as typeof res.writeHead;
    next();
  };
}

/** Runs after the body parsers, so the log holds the parsed body. */
export function recordBody(req: Request, _res: Response, next: NextFunction): void {
  const ctx = contexts.get(req);
  if (ctx) ctx.entry.body = redact(req.body);
  next();
}

/** Bearer tokens the sandbox issued; unknown, revoked and expired ones all get GHL's documented 401. */
export function authenticate(tokens: TokenStore) {
  return (req: Request, res: Response, next: NextFunction) => {
    const grant = bearerGrant(tokens, req.get('authorization'));
    if (grant === undefined) return sendError(res, 401, INVALID_TOKEN);
    const ctx = contexts.get(req);
    if (ctx) {
      ctx.grant = grant;
      ctx.entry.tokenKind = grant.kind;
      ctx.entry.locationId = grant.locationId ?? locationHint(req.query, req.body);
    }
    next();
  };
}

/** Counts the request against its token's resource and answers 429 beyond the limit. */
export function limitRate(limiter: RateLimiter) {
  return (req: Request, res: Response, next: NextFunction) => {
    const grant = grantIfAny(req);
    if (!grant) throw new GhlError(401, INVALID_TOKEN);
    const decision = limiter.take(resourceOf(grant));
    res.set(decision.headers);
    if (decision.allowed) return next();
    res.set('Retry-After', String(decision.retryAfterSeconds));
    sendError(res, 429, 'Too many requests');
  };
}

/** The grant `authenticate` found; undefined on routes it does not guard. */
export function grantIfAny(req: Request): AccessGrant | undefined {
  return contexts.get(req)?.grant;
}
