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
    let appErr: AppError;
    if (err instanceof AppError) appErr = err;
    else if (err instanceof ZodError) {
      appErr = new AppError(400, 'VALIDATION_FAILED', 'the request is not valid', {
        details: err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      });
    } else if ((err as BodyParserError).type === 'entity.too.large') {
      appErr = new AppError(413, 'PAYLOAD_TOO_LARGE', 'the request body is too large');
    } else if ((err as BodyParserError).type === 'entity.parse.failed') {
      appErr = new AppError(400, 'BAD_REQUEST', 'the request body is not valid JSON');
    } else if (typeof (err as BodyParserError).status === 'number' && (err as BodyParserError).status! < 500) {
      appErr = new AppError((err as BodyParserError).status!, 'BAD_REQUEST', 'the request could not be read');
    } else {
      logger.error({ err, method: req.method, path: req.path }, 'unhandled error');
      appErr = new AppError(500, 'INTERNAL', 'something went wrong on our side; it has been logged');
    }
    if (appErr.options.retryAfterSeconds !== undefined) {
      res.setHeader('Retry-After', String(appErr.options.retryAfterSeconds));
    }
    res.status(appErr.status).json({
      error: {
        code: appErr.code,
        message: appErr.message,
        ...(appErr.details ? { details: appErr.details } : {}),
      },
    });
  };
}
