import type { ServerResponse } from 'node:http';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import { AppError } from '../errors.js';
import type { Logger } from '../logger.js';

export const notFound: RequestHandler = (req, _res, next) => {
  next(new AppError(404, 'NOT_FOUND', `no route for ${req.method} ${req.path}`));
};

interface BodyParserError {
  type?: string;
  status?: number;
}

/** The one place errors become responses: AppError and ZodError keep their meaning, anything else is a 500. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    if (res.headersSent) return;
    sendAppError(res, asAppError(err, logger, req.method, req.path));
  };
}

/** The error's answer, from express or from a plain node:http handler (webhooks/front.ts) alike. */
export function sendAppError(res: ServerResponse, e: AppError): void {
  if (res.headersSent) return;
  const body = Buffer.from(JSON.stringify(errorBody(e)));
  if (e.options.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(e.options.retryAfterSeconds));
  res.statusCode = e.status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', body.length);
  res.end(body);
}

/** What any error means to the client; an unexpected one is logged here, once, and becomes a 500. */
export function asAppError(err: unknown, logger: Logger, method: string | undefined, path: string): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof ZodError) {
    return new AppError(400, 'VALIDATION_FAILED', 'the request is not valid', {
      details: err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
    });
  }
  const { type, status } = (err ?? {}) as BodyParserError;
  if (type === 'entity.too.large') return new AppError(413, 'PAYLOAD_TOO_LARGE', 'the request body is too large');
  if (type === 'entity.parse.failed') return new AppError(400, 'BAD_REQUEST', 'the request body is not valid JSON');
  if (typeof status === 'number' && status < 500)
    return new AppError(status, 'BAD_REQUEST', 'the request could not be read');
  logger.error({ err, method, path }, 'unhandled error');
  return new AppError(500, 'INTERNAL', 'something went wrong on our side; it has been logged');
}

function errorBody(e: AppError): { error: { code: string; message: string; details?: unknown } } {
  return { error: { code: e.code, message: e.message, ...(e.details ? { details: e.details } : {}) } };
}
