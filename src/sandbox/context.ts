import type { NextFunction, Request, Response } from 'express';
import type { Clock } from '../clock.js';
import { GhlError, sendError } from './ghl-http.js';
import type { RateLimiter } from './rate-limit.js';
import type { SandboxStore } from './store.js';
import { type AccessGrant, resourceOf, type TokenStore } from './tokens.js';
import type { RecordedRequest } from './types.js';

interface RequestContext {
  entry: RecordedRequest;
  grant?: AccessGrant;
}

/** Per-request state kept beside the request rather than on `res.locals`, which express types as `any`. */
const contexts = new WeakMap<Request, RequestContext>();

const REDACTED_KEYS = new Set(['client_secret', 'refresh_token', 'clientSecret', 'refreshToken']);

function redact(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) out[k] = REDACTED_KEYS.has(k) ? '[redacted]' : v;
  return out;
}

/**
 * Logs every request at arrival (so the order is the arrival order) and fills in the status when the head is
 * written, which happens before the client can see the answer. Headers are never stored: they carry tokens.
 */
export function recordRequests(clock: Clock, log: RecordedRequest[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const entry: RecordedRequest = {
      at: clock.now(),
      method: req.method,
      path: req.path,
      query: { ...req.query },
      body: undefined,
      status: 0,
    };
    log.push(entry);
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

const INVALID_TOKEN = 'Invalid token: access token is invalid';

/** Bearer tokens the sandbox issued; unknown, revoked and expired ones all get GHL's documented 401. */
export function authenticate(tokens: TokenStore) {
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const grant = match?.[1] === undefined ? undefined : tokens.verify(match[1]);
    if (grant === undefined || grant === 'expired') return sendError(res, 401, INVALID_TOKEN);
    const ctx = contexts.get(req);
    if (ctx) {
      ctx.grant = grant;
      ctx.entry.tokenKind = grant.kind;
      ctx.entry.locationId = grant.locationId ?? locationHint(req);
    }
    next();
  };
}

function locationHint(req: Request): string | undefined {
  const q: unknown = req.query['locationId'];
  if (typeof q === 'string') return q;
  const body: unknown = req.body;
  if (typeof body === 'object' && body !== null && 'locationId' in body && typeof body.locationId === 'string') {
    return body.locationId;
  }
  return undefined;
}

/** Counts the request against its token's resource and answers 429 beyond the limit. */
export function limitRate(limiter: RateLimiter) {
  return (req: Request, res: Response, next: NextFunction) => {
    const grant = grantOf(req);
    const decision = limiter.take(resourceOf(grant));
    res.set(decision.headers);
    if (decision.allowed) return next();
    res.set('Retry-After', String(decision.retryAfterSeconds));
    sendError(res, 429, 'Too many requests');
  };
}

export function grantOf(req: Request): AccessGrant {
  const grant = contexts.get(req)?.grant;
  if (!grant) throw new GhlError(401, INVALID_TOKEN);
  return grant;
}

/**
 * A Location token may touch only its own location; a Company token only the company's locations and only
 * where GHL accepts agency tokens (`allowCompany`).
 */
export function authorizeLocation(
  req: Request,
  store: SandboxStore,
  locationId: string,
  opts: { allowCompany?: boolean } = {},
): void {
  const grant = grantOf(req);
  if (grant.kind === 'Location') {
    if (grant.locationId !== locationId) throw new GhlError(403, 'The token does not have access to this location');
    return;
  }
  if (!opts.allowCompany) {
    throw new GhlError(403, 'This route needs a Location token; mint one with /oauth/locationToken');
  }
  if (store.location(locationId)?.companyId !== grant.companyId) {
    throw new GhlError(403, 'The token does not have access to this location');
  }
}
