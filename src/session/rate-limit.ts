import type { IncomingMessage } from 'node:http';
import type { RequestHandler } from 'express';
import type { Clock } from '../clock.js';
import { AppError } from '../errors.js';

export interface RateLimitOptions {
  max: number;
  windowMs: number;
  /** What the 429 says; default: about sign-in attempts (the session route). */
  message?: string;
}

/**
 * A fixed-window counter per key (a client address, a location), in memory. It blunts guessing and floods from
 * one source; it is per process on purpose (no shared state needed for that). Old windows are dropped as the
 * map grows, so a flood of keys cannot grow it without bound.
 */
export function windowCounter(clock: Clock, opts: RateLimitOptions): (key: string) => void {
  const windows = new Map<string, { startedAt: number; count: number }>();
  return (key) => {
    const now = clock.now().getTime();
    if (windows.size > 10_000) {
      for (const [k, w] of windows) if (now - w.startedAt >= opts.windowMs) windows.delete(k);
    }
    let window = windows.get(key);
    if (!window || now - window.startedAt >= opts.windowMs) {
      window = { startedAt: now, count: 0 };
      windows.set(key, window);
    }
    window.count += 1;
    if (window.count > opts.max) {
      const retryAfterSeconds = Math.max(1, Math.ceil((window.startedAt + opts.windowMs - now) / 1000));
      throw new AppError(
        429,
        'RATE_LIMITED',
        opts.message ?? 'too many sign-in attempts from this address; wait a minute',
        {
          retryAfterSeconds,
        },
      );
    }
  };
}

/** Counts per client address, as `addressOf` reads it (src/http/client-address.ts: TRUST_PROXY decides). */
export function rateLimitByAddress(
  clock: Clock,
  addressOf: (req: IncomingMessage) => string,
  opts: RateLimitOptions,
): RequestHandler {
  const hit = windowCounter(clock, opts);
  return (req, _res, next) => {
    hit(addressOf(req));
    next();
  };
}
