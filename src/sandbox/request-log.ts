import type { Clock } from '../clock.js';
import type { RecordedRequest } from './types.js';

/**
 * The request log tests and the bench read (`sandbox.requests`). An entry is pushed at arrival, so the log is
 * in arrival order, and completed as the request goes on. Headers are never stored: they carry tokens.
 */
export function openEntry(
  clock: Clock,
  log: RecordedRequest[],
  method: string,
  path: string,
  query: Record<string, unknown>,
): RecordedRequest {
  const entry: RecordedRequest = { at: clock.now(), method, path, query: { ...query }, body: undefined, status: 0 };
  log.push(entry);
  return entry;
}

const REDACTED_KEYS = new Set(['client_secret', 'refresh_token', 'clientSecret', 'refreshToken']);

/** The parsed body as logged: a copy, with the values of secret keys replaced. */
export function redact(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) out[k] = REDACTED_KEYS.has(k) ? '[redacted]' : v;
  return out;
}

/** The location a Company-token request is about, for the log: `locationId` in the query, else in the body. */
export function locationHint(query: Record<string, unknown>, body: unknown): string | undefined {
  const q = query['locationId'];
  if (typeof q === 'string') return q;
  if (typeof body === 'object' && body !== null && 'locationId' in body && typeof body.locationId === 'string') {
    return body.locationId;
  }
  return undefined;
}
