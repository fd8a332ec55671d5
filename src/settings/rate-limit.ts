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
 * A fixed-window counter per client IP, in memory. It only blunts guessing at the session route from one
 * address; it is per process on purpose (no shared state needed for that). Old windows are dropped as the map
 * grows, so a flood of addresses cannot grow it without bound.
 */
export function rateLimitByIp(clock: Clock, opts: RateLimitOptions): RequestHandler {
  const windows = new Map<string, { startedAt: number; count: number }>();
  return (req, _res, next) => {
    const now = clock.now().getTime();
    if (windows.size > 10_000) {
      for (const [ip, w] of windows) if (now - w.startedAt >= opts.windowMs) windows.delete(ip);
    }
    const ip = req.ip ?? req.socket.remoteAddress ?? 'unknown';
    let window = windows.get(ip);
    if (!window || now - window.startedAt >= opts.windowMs) {
      window = { startedAt: now, count: 0 };
      windows.set(ip, window);
    }
    window.count += 1;
    if (window.count > opts.max) {
      const retryAfterSeconds = Math.max(1, Math.ceil((window.startedAt + opts.windowMs - now) / 1000));
      throw new AppError(429, 'RATE_LIMITED', opts.message ?? 'too many sign-in attempts from this address; wait a minute', {
        retryAfterSeconds,
      });
    }
    next();
  };
}
