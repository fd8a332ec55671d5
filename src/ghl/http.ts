// Speed: axios's request config merged once and the adapter called directly, not axios.create() and its request
// path per call; GHL client CPU for a missed call's six calls 0.70-0.75 -> 0.49-0.53 ms (a bare Axios, the query in
// the path), then 0.47-0.51 -> 0.44-0.46 (only the answer headers we read), then 0.46-0.48 -> 0.36-0.37 ms (the
// adapter called directly), least of ten rounds of `tsx src/cli/bench/ghl-client-cpu.ts`.
import axios, { AxiosHeaders, type AxiosResponse, type InternalAxiosRequestConfig } from 'axios';
import type { z } from 'zod';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { scopeOf } from './scopes.js';
import { GhlOutcomeUnknownError, GhlRequestError, GhlScopeError, GhlUnavailableError } from './api.js';
import { createLeanAdapter } from './lean-adapter.js';
import { LocationRateLimiter, RETRY_HEADERS, rateLimitedError } from './rate-limit.js';
import type { TokenVault } from './tokens.js';

export interface GhlClientOptions {
  /** Per HTTP attempt. Default 10 000 ms. */
  timeoutMs?: number;
  /** Attempts per call for 5xx, timeouts and malformed JSON. Default 3. */
  maxAttempts?: number;
  /** First backoff; doubles per attempt, with jitter. Default 150 ms. */
  backoffMs?: number;
  /** No retry starts once a call has taken this long (real time): a worker is never held for long. Default 3 000. */
  retryBudgetMs?: number;
  /** Our own per-location budget. Default GHL's: 100 per 10 s. */
  rateLimit?: { max: number; intervalMs: number };
  sleep?: (ms: number) => Promise<void>;
}

export interface GhlRequest<S extends z.ZodType> {
  locationId: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  schema: S;
  /** Safe to send twice (reads, tag adds, upserts). Sends and task creation are not: see GhlOutcomeUnknownError. */
  idempotent: boolean;
  /** Requests of the window's budget this one must leave unused (background work yields to follow-up steps). */
  reserve?: number;
}

export type GhlRequester = <S extends z.ZodType>(req: GhlRequest<S>) => Promise<z.output<S>>;

export interface HttpDeps {
  config: Config;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
  vault: TokenVault;
  options?: GhlClientOptions;
  /** Told when GHL refuses a call for a missing scope, to tell the owner. */
  onScopeRefused?: (locationId: string, scope: string | null, call: string) => Promise<void>;
}

/** The `Version` header each API family demands (docs/ghl-platform.md §1). */
export function apiVersion(path: string): string {
  return path.startsWith('/conversations') || path.startsWith('/calendars') ? '2021-04-15' : '2021-07-28';
}

type Attempt = { ok: true; res: AxiosResponse<string> } | { ok: false; reason: string; maybeApplied: boolean };

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One GHL call: our rate budget, the location's token (refreshed once after a 401), retries with jittered
 * backoff for transient failures, a 429 turned into GhlRateLimitedError for the job to reschedule (never a
 * sleep), every other 4xx a GhlRequestError, and the answer parsed with zod.
 */
export function createGhlRequester(deps: HttpDeps): GhlRequester {
  const o = deps.options ?? {};
  const maxAttempts = o.maxAttempts ?? 3;
  const backoffMs = o.backoffMs ?? 150;
  const budgetMs = o.retryBudgetMs ?? 3000;
  const sleep = o.sleep ?? defaultSleep;
  const limiter = new LocationRateLimiter(deps.clock, o.rateLimit?.max, o.rateLimit?.intervalMs);
  const log = deps.logger.child({ component: 'ghl-client' });
  // The config axios would merge on every request, merged once; each request only adds its own fields and goes
  // straight to the adapter. Axios's request path (config merged per request, headers copied and normalized
  // three times, two transforms, a promise chain) was about 10 us a call with no transport at all, and a missed
  // call makes six; it holds nothing we use (no interceptors, no transforms: answers are read as text).
  const shared = { baseURL: deps.config.ghl.apiBaseUrl, timeout: o.timeoutMs ?? 10_000 };
  const send = createLeanAdapter(RETRY_HEADERS);

  function count(status: string): void {
    deps.metrics?.inc('ringback_ghl_requests_total', 'GHL API calls by status', { status });
  }

  async function attempt<S extends z.ZodType>(req: GhlRequest<S>, token: string): Promise<Attempt> {
    limiter.take(req.locationId, req.reserve);
    try {
      const headers = new AxiosHeaders();
      headers.set('Authorization', `Bearer ${token}`).set('Version', apiVersion(req.path));
      headers.set('Accept', 'application/json');
      const config: InternalAxiosRequestConfig<string> = {
        ...shared,
        method: req.method,
        url: withQuery(req.path, req.query),
        headers,
      };
      if (req.body !== undefined) {
        headers.set('Content-Type', 'application/json');
        config.data = JSON.stringify(req.body);
      }
      const res = (await send(config)) as AxiosResponse<string>;
      count(String(res.status));
      return { ok: true, res };
    } catch (err) {
      // Only the code: the axios error holds the request config, Authorization header included.
      const code = axios.isAxiosError(err) ? (err.code ?? 'ERR_NETWORK') : 'ERR_NETWORK';
      count(code === 'ECONNABORTED' || code === 'ETIMEDOUT' ? 'timeout' : 'error');
      return { ok: false, reason: `${req.method} ${req.path}: ${code}`, maybeApplied: code !== 'ECONNREFUSED' };
    }
  }

  async function scopeRefused(req: GhlRequest<z.ZodType>, res: AxiosResponse<string>): Promise<GhlScopeError> {
    const call = `${req.method} ${req.path}`;
    const scope = scopeOf(req.method, req.path, req.query);
    const json = parseJson(res.data);
    log.warn({ locationId: req.locationId, call, scope }, 'GHL refused a call for a missing scope');
    await deps.onScopeRefused?.(req.locationId, scope, call).catch((err: unknown) => {
      log.error({ err: String(err) }, 'could not record the missing scope');
    });
    return new GhlScopeError(req.locationId, scope, call, json.ok ? json.value : undefined);
  }

  return async function request<S extends z.ZodType>(req: GhlRequest<S>): Promise<z.output<S>> {
    const started = performance.now();
    let token = await deps.vault.locationToken(req.locationId);
    let issued = false;
    let renewals = 0;
    for (let n = 1; ; n++) {
      const a = await attempt(req, token);
      let failure: { reason: string; maybeApplied: boolean };
      if (!a.ok) failure = a;
      else {
        const { res } = a;
        // GHL answers an unknown user id with 401 "The user does not exist." (docs/security.md): the token is
        // fine, and refreshing it for every such answer would spend a rotating refresh token for nothing.
        if (res.status === 401 && isUnknownUser(res.data)) throw requestError(req, res);
        if (res.status === 401) {
          // A token GHL just issued is not expired or revoked: the same 401 again is a missing scope. One read
          // from the row may be as stale as the one held (every token of the location expired at GHL): the next
          // renewal then refreshes.
          if (issued || renewals === 2) throw await scopeRefused(req, res);
          ({ token, issued } = await deps.vault.renewLocationToken(req.locationId, token));
          renewals += 1;
          n--;
          continue;
        }
        if (res.status === 429) throw rateLimitedError(res.headers, deps.clock);
        if (res.status >= 500) failure = { reason: `${req.method} ${req.path}: ${res.status}`, maybeApplied: false };
        else if (res.status >= 400) throw requestError(req, res);
        else {
          const json = parseJson(res.data);
          if (json.ok) {
            const parsed = req.schema.safeParse(json.value);
            if (parsed.success) return parsed.data;
            throw new GhlUnavailableError(
              `${req.method} ${req.path}: unexpected answer shape (${parsed.error.message})`,
            );
          }
          failure = { reason: `${req.method} ${req.path}: malformed JSON`, maybeApplied: true };
        }
      }
      if (failure.maybeApplied && !req.idempotent) throw new GhlOutcomeUnknownError(failure.reason);
      const delay = backoffMs * 2 ** (n - 1) * (0.5 + Math.random());
      if (n >= maxAttempts || performance.now() - started + delay > budgetMs) {
        throw new GhlUnavailableError(`${failure.reason} (after ${n} attempts)`);
      }
      log.debug({ reason: failure.reason, attempt: n }, 'GHL call failed; retrying');
      await sleep(delay);
    }
  };
}

/** The query in the path: axios's params would be deep-copied per request before the adapter serialized them. */
function withQuery(path: string, query: GhlRequest<z.ZodType>['query']): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const k in query) if (query[k] !== undefined) params.append(k, String(query[k]));
  const q = params.toString();
  return q ? `${path}?${q}` : path;
}

function isUnknownUser(text: string): boolean {
  const json = parseJson(text);
  const message =
    json.ok && typeof json.value === 'object' && json.value !== null
      ? (json.value as { message?: unknown }).message
      : undefined;
  return typeof message === 'string' && /user does not exist/i.test(message);
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  if (text === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function requestError(req: { method: string; path: string }, res: AxiosResponse<string>): GhlRequestError {
  const json = parseJson(res.data);
  const body = json.ok ? json.value : res.data.slice(0, 500);
  const message =
    typeof body === 'object' && body !== null && 'message' in body
      ? JSON.stringify(body.message)
      : `HTTP ${res.status}`;
  return new GhlRequestError(res.status, `${req.method} ${req.path}: ${res.status} ${message}`, body);
}
