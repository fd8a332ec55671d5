import type { RequestHandler } from 'express';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';

/**
 * One line per request. Only the path is logged, never the query string (OAuth codes travel there) nor
 * headers (tokens and signatures).
 */
export function requestLog(logger: Logger, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      metrics.inc('ringback_http_requests_total', 'HTTP requests by status class', {
        status: `${Math.floor(res.statusCode / 100)}xx`,
      });
      const level = res.statusCode >= 500 ? 'error' : 'debug';
      logger[level]({ method: req.method, path: req.path, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    });
    next();
  };
}
