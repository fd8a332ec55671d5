import { randomUUID } from 'node:crypto';
import { INVALID_TOKEN } from './auth.js';
import { GhlError } from './ghl-http.js';
import type { AccessGrant } from './tokens.js';

/**
 * An API call as route handlers see it: already past the Version check, the bearer token, the rate limit
 * and the faults. Handlers know nothing of the HTTP framework, so the same code serves the sandbox's front
 * (plain requests, src/sandbox/http-front.ts) and express (everything else).
 */
export interface ApiCall {
  /** Decoded path parameters. */
  params: Record<string, unknown>;
  /** As node's querystring parses it: a repeated name gives an array. */
  query: Record<string, unknown>;
  body: unknown;
  /** Whether the body came form-encoded (what express's `req.is` tells). */
  form: boolean;
  /** The bearer token's grant; absent on the one route that takes none. */
  grant: AccessGrant | undefined;
}

export interface Answer {
  status: number;
  body: object;
  /** Runs once the answer is written (the API-message echo must not overtake it). */
  after?: () => void;
}

export type ApiHandler = (call: ApiCall) => Answer;

export interface ApiRoute {
  method: 'get' | 'post' | 'put' | 'delete';
  /** An express path: literal segments and `:name` parameters. */
  path: string;
  handler: ApiHandler;
  /** The token endpoint: no Version, bearer token or rate limit, only faults. */
  open?: boolean;
}

export function grantOf(call: ApiCall): AccessGrant {
  if (!call.grant) throw new GhlError(401, INVALID_TOKEN);
  return call.grant;
}

/** JSON answer with the `traceId` GHL adds to every answer. */
export function traced(status: number, body: Record<string, unknown>): Answer {
  return { status, body: { ...body, traceId: randomUUID() } };
}

/** A query value as one string (the first of a repeated name); takes an express request as well. */
export function queryString(from: { query: Record<string, unknown> }, name: string): string | undefined {
  const v = from.query[name];
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return undefined;
}

export function requireQuery(from: { query: Record<string, unknown> }, name: string): string {
  const v = queryString(from, name);
  if (v === undefined || v === '') throw new GhlError(422, [`${name} should not be empty`]);
  return v;
}

export function param(call: ApiCall, name: string): string {
  const v = call.params[name];
  if (typeof v !== 'string') throw new GhlError(400, `missing path parameter ${name}`);
  return v;
}
