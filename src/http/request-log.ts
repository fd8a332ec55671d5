import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';

/**
 * One line per request. Only the path is logged, never the query string (OAuth codes travel there) nor
 * headers (tokens and signatures). Every request pays for this, webhooks most of all: the line is built only
 * when its level is enabled (debug for success, off in production).
 */
export function requestLog(logger: Logger, metrics: Metrics): RequestHandler {
  const logged = logRequest(logger, metrics, (req) => (req as Request).path);
  return (req, res, next) => {
    logged(req, res);
    next();
  };
}

/**
 * Counts and logs a request when its response finishes; for handlers outside express (webhooks/front.ts) too.
 * `pathOf` runs only when the line is written.
 */
export function logRequest(logger: Logger, metrics: Metrics, pathOf: (req: IncomingMessage) => string) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const started = performance.now();
    res.on('finish', () => {
      metrics.inc('ringback_http_requests_total', 'HTTP requests by status class', {
        status: STATUS_CLASS[Math.floor(res.statusCode / 100)] ?? 'other',
      });
      const level = res.statusCode >= 500 ? 'error' : 'debug';
      if (!logger.isLevelEnabled(level)) return;
      const ms = Math.round((performance.now() - started) * 10) / 10;
      logger[level]({ method: req.method, path: pathOf(req), status: res.statusCode, ms }, 'request');
    });
  };
}

const STATUS_CLASS = ['0xx', '1xx', '2xx', '3xx', '4xx', '5xx'];
