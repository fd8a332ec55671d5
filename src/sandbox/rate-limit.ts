import type { Clock } from '../clock.js';

interface Window {
  startMs: number;
  count: number;
}

export interface RateDecision {
  allowed: boolean;
  headers: Record<string, string>;
  retryAfterSeconds: number;
}

const DAY_MS = 86_400_000;

/**
 * GHL's limits per app and resource (docs/ghl-platform.md §2): a burst window and a daily one. Fixed windows opened by
 * the first request, measured on the injected clock so a test can exhaust a window and advance past it.
 * Rejected requests do not count, as a client honouring Retry-After should not be punished twice.
 */
export class RateLimiter {
  readonly #burst = new Map<string, Window>();
  readonly #daily = new Map<string, Window>();

  constructor(
    private readonly clock: Clock,
    private readonly max: number,
    private readonly intervalMs: number,
    private readonly dailyMax: number,
  ) {}

  take(resourceId: string): RateDecision {
    const now = this.clock.now().getTime();
    const burst = this.#window(this.#burst, resourceId, now, this.intervalMs);
    const daily = this.#window(this.#daily, resourceId, now, DAY_MS);
    const allowed = burst.count < this.max && daily.count < this.dailyMax;
    if (allowed) {
      burst.count += 1;
      daily.count += 1;
    }
    const resetMs = daily.count >= this.dailyMax ? daily.startMs + DAY_MS : burst.startMs + this.intervalMs;
    return {
      allowed,
      retryAfterSeconds: Math.max(1, Math.ceil((resetMs - now) / 1000)),
      headers: {
        'X-RateLimit-Max': String(this.max),
        'X-RateLimit-Remaining': String(Math.max(0, this.max - burst.count)),
        'X-RateLimit-Interval-Milliseconds': String(this.intervalMs),
        'X-RateLimit-Limit-Daily': String(this.dailyMax),
        'X-RateLimit-Daily-Remaining': String(Math.max(0, this.dailyMax - daily.count)),
      },
    };
  }

  #window(map: Map<string, Window>, key: string, now: number, length: number): Window {
    const w = map.get(key);
    if (w && now < w.startMs + length) return w;
    const fresh = { startMs: now, count: 0 };
    map.set(key, fresh);
    return fresh;
  }
}
