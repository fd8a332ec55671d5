/**
 * Authentication of /api routes: a Bearer session token, verified against the injected clock. The location is
 * the token's; a request naming another location anywhere (query, body) is refused rather than quietly served.
 */
import type { Request, RequestHandler } from 'express';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import { AppError } from '../errors.js';
import { findInstalledLocation } from './locations.js';
import { type Session, verifySession } from './token.js';

const sessions = new WeakMap<Request, Session>();

/** The session `requireSession` attached to this request. */
export function sessionOf(req: Request): Session {
  const session = sessions.get(req);
  if (!session) throw new AppError(401, 'UNAUTHORIZED', 'sign in through the settings page first');
  return session;
}

export function requireSession(deps: {
  config: { sessionSecret: string };
  clock: Clock;
  db: Kysely<Database>;
}): RequestHandler {
  return async (req, _res, next) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+([A-Za-z0-9_.-]+)$/i.exec(header.trim());
    if (!match?.[1]) {
      throw new AppError(401, 'UNAUTHORIZED', 'an Authorization: Bearer <session token> header is required');
    }
    const session = verifySession(match[1], deps.config.sessionSecret, deps.clock.now());
    for (const named of namedLocations(req)) {
      if (named !== session.locationId) {
        throw new AppError(403, 'FORBIDDEN', 'this session belongs to another location');
      }
    }
    // A session outlives nothing: once the app is uninstalled, its hour-long tokens stop working at once.
    if (!(await findInstalledLocation(deps.db, session.locationId))) {
      throw new AppError(403, 'LOCATION_NOT_INSTALLED', 'Ringback is no longer installed in this sub-account');
    }
    sessions.set(req, session);
    next();
  };
}

/** Location ids a request names outside the token: `?locationId=` and a top-level `locationId` in the body. */
function namedLocations(req: Request): unknown[] {
  const found: unknown[] = [];
  const query: unknown = req.query['locationId'];
  if (query !== undefined) found.push(...[query].flat());
  const body: unknown = req.body;
  if (typeof body === 'object' && body !== null && !Array.isArray(body) && 'locationId' in body) {
    found.push((body as { locationId: unknown }).locationId);
  }
  return found;
}

/** Changing what Ringback sends on the location's behalf is for its admins; reading is for every user. */
export function requireAdmin(req: Request): Session {
  const session = sessionOf(req);
  if (session.role !== 'admin') {
    throw new AppError(403, 'FORBIDDEN', 'only an admin of this sub-account can change Ringback settings');
  }
  return session;
}
