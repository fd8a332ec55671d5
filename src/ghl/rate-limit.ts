import type { Clock } from '../clock.js';
import { GhlRateLimitedError } from './api.js';

/** GHL's burst limit per app and resource (docs/ghl-platform.md §2). */
export const GHL_BURST_MAX = 100;
export const GHL_BURST_INTERVAL_MS = 10_000;

/** When GHL gives no hint at all, wait one burst window. */
const DEFAULT_WAIT_MS = GHL_BURST_INTERVAL_MS;

function header(headers: unknown, name: string): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const v: unknown = (headers as Record<string, unknown>)[name.toLowerCase()];
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

/** The answer headers retryAtFrom reads (node's lower-case names). */
export const RETRY_HEADERS = ['retry-after', 'date', 'x-ratelimit-interval-milliseconds'] as const;

/**
 * When to try again after a 429, on the injected clock: `Retry-After` (seconds, or an HTTP date measured against
 * the answer's own `Date` so no wall clock is consulted), else `X-RateLimit-Interval-Milliseconds` when the burst
 * budget is spent, else one burst window.
 */
export function retryAtFrom(headers: unknown, now: Date): Date {
  const after = header(headers, 'retry-after');
  if (after !== undefined) {
    if (/^\d+(\.\d+)?$/.test(after.trim())) return new Date(now.getTime() + Math.ceil(Number(after) * 1000));
    const at = Date.parse(after);
    const sent = Date.parse(header(headers, 'date') ?? '');
    if (!Number.isNaN(at) && !Number.isNaN(sent)) return new Date(now.getTime() + Math.max(1000, at - sent));
  }
  const interval = Number(header(headers, 'x-ratelimit-interval-milliseconds'));
  if (Number.isFinite(interval) && interval > 0) return new Date(now.getTime() + interval);
  return new Date(now.getTime() + DEFAULT_WAIT_MS);
}

export function rateLimitedError(headers: unknown, clock: Clock): GhlRateLimitedError {
  return new GhlRateLimitedError(retryAtFrom(headers, clock.now()));
}

interface Window {
  startMs: number;
  count: number;
}

/**
 * Our own budget per location, so one busy tenant never reaches GHL's limit: fixed windows on the injected
 * clock. A spent budget throws GhlRateLimitedError for the window's end; the job is rescheduled, no worker
 * sleeps. Per process only: N processes share GHL's limit, which then answers 429 and is honoured the same way.
 */
export class LocationRateLimiter {
  readonly #windows = new Map<string, Window>();

  constructor(
    private readonly clock: Clock,
    private readonly max = GHL_BURST_MAX,
    private readonly intervalMs = GHL_BURST_INTERVAL_MS,
  ) {}

  /** Counts one request, or throws when the window has fewer than `reserve` + 1 requests left. */
  take(resourceId: string, reserve = 0): void {
    const now = this.clock.now().getTime();
    let w = this.#windows.get(resourceId);
    if (!w || now >= w.startMs + this.intervalMs) {
      if (this.#windows.size > 10_000) this.#prune(now);
      w = { startMs: now, count: 0 };
      this.#windows.set(resourceId, w);
    }
    if (w.count >= this.max - reserve) throw new GhlRateLimitedError(new Date(w.startMs + this.intervalMs));
    w.count += 1;
  }

  #prune(now: number): void {
    for (const [k, w] of this.#windows) if (now >= w.startMs + this.intervalMs) this.#windows.delete(k);
  }
}
