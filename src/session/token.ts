/**
 * Settings-page sessions: a short-lived HS256 JWT minted from the (replayable, expiry-less) SSO payload. The
 * page keeps it in memory only; every /api route reads the location from it and from nowhere else.
 */
import jwt from 'jsonwebtoken';
import { z } from 'zod';
import { AppError } from '../errors.js';

export const SESSION_ISSUER = 'ringback';
export const SESSION_AUDIENCE = 'ringback-settings';
export const SESSION_TTL_SECONDS = 3600;
/** Clock difference tolerated between instances that sign and verify. */
export const SESSION_SKEW_SECONDS = 60;

export interface Session {
  userId: string;
  locationId: string;
  companyId: string;
  role: string;
  userName: string;
}

const Claims = z.object({
  sub: z.string().min(1),
  locationId: z.string().min(1),
  companyId: z.string(),
  role: z.string(),
  userName: z.string(),
  // Required: jsonwebtoken accepts a token without exp as never expiring, and one signed with our secret by
  // an older build or by hand would then be good forever (issue 15).
  iat: z.number().int(),
  exp: z.number().int(),
});

export function signSession(session: Session, secret: string, now: Date): { token: string; expiresAt: Date } {
  const { userId, ...claims } = session;
  return signToken(claims, { subject: userId, audience: SESSION_AUDIENCE }, secret, now);
}

/** Signs `claims` for `audience` with our issuer, `iat` from `now` and the one-hour lifetime. */
export function signToken(
  claims: Record<string, unknown>,
  to: { subject: string; audience: string },
  secret: string,
  now: Date,
): { token: string; expiresAt: Date } {
  const iat = Math.floor(now.getTime() / 1000);
  const token = jwt.sign(
    // iat set explicitly: jsonwebtoken would otherwise take iat (and so exp) from the wall clock.
    { ...claims, iat },
    Buffer.from(secret, 'utf8'),
    {
      algorithm: 'HS256',
      expiresIn: SESSION_TTL_SECONDS,
      issuer: SESSION_ISSUER,
      audience: to.audience,
      subject: to.subject,
    },
  );
  return { token, expiresAt: new Date((iat + SESSION_TTL_SECONDS) * 1000) };
}

/** The session of a valid token; 401 TOKEN_EXPIRED or INVALID_TOKEN otherwise. Expiry is judged by `now`. */
export function verifySession(token: string, secret: string, now: Date): Session {
  const { sub, ...rest } = verifyToken(token, SESSION_AUDIENCE, Claims, secret, now);
  return { userId: sub, ...rest };
}

/**
 * The claims of a token we signed for `audience`, checked against `schema` (which must require `sub`, `iat` and
 * `exp`); 401 TOKEN_EXPIRED or INVALID_TOKEN otherwise. A token for another audience is INVALID_TOKEN.
 */
export function verifyToken<S extends z.ZodType<{ sub: string; iat: number; exp: number }>>(
  token: string,
  audience: string,
  schema: S,
  secret: string,
  now: Date,
): Omit<z.output<S>, 'iat' | 'exp'> {
  let decoded: unknown;
  try {
    decoded = jwt.verify(token, Buffer.from(secret, 'utf8'), {
      algorithms: ['HS256'],
      issuer: SESSION_ISSUER,
      audience,
      clockTimestamp: Math.floor(now.getTime() / 1000),
      // Needs iat; an hour old (plus skew) is expired whatever exp says.
      maxAge: SESSION_TTL_SECONDS + SESSION_SKEW_SECONDS,
    });
  } catch (err) {
    if (err instanceof jwt.TokenExpiredError) {
      throw new AppError(401, 'TOKEN_EXPIRED', 'your session has expired; reload the page to sign in again');
    }
    throw new AppError(401, 'INVALID_TOKEN', 'the session token is not valid; reload the page to sign in again');
  }
  const claims = schema.safeParse(decoded);
  if (!claims.success) throw new AppError(401, 'INVALID_TOKEN', 'the session token is not valid; reload the page');
  const { iat, exp, ...rest } = claims.data;
  const nowSeconds = Math.floor(now.getTime() / 1000);
  // A lifetime longer than ours, or an iat in the future, is no token this service signed.
  if (exp - iat > SESSION_TTL_SECONDS || iat > nowSeconds + SESSION_SKEW_SECONDS) {
    throw new AppError(401, 'INVALID_TOKEN', 'the session token is not valid; reload the page to sign in again');
  }
  return rest as Omit<z.output<S>, 'iat' | 'exp'>;
}
