import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { ZodError } from 'zod';

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
};

/** Thrown by route handlers; rendered in GHL's (NestJS) error shape by `handleErrors`. */
export class GhlError extends Error {
  readonly messages: string | string[];
  constructor(
    readonly status: number,
    message: string | string[],
  ) {
    super(Array.isArray(message) ? message.join('; ') : message);
    this.messages = message;
  }
}

/** `{ statusCode, message, error }` as in common-schemas.json, plus the traceId GHL adds to every answer. */
export function ghlErrorBody(status: number, message: string | string[]): Record<string, unknown> {
  return { statusCode: status, message, error: REASONS[status] ?? 'Error', traceId: randomUUID() };
}

export function sendError(res: Response, status: number, message: string | string[]): void {
  res.status(status).json(ghlErrorBody(status, message));
}

/** JSON answer with GHL's `traceId`. */
export function sendJson(res: Response, status: number, body: Record<string, unknown>): void {
  res.status(status).json({ ...body, traceId: randomUUID() });
}

/** The `Version` each API family demands (ghl-api.md 3.0); undefined for paths that take none (/oauth/token). */
export function requiredVersion(path: string): string | undefined {
  if (path.startsWith('/conversations') || path.startsWith('/calendars')) return '2021-04-15';
  const v2 = ['/contacts', '/users', '/locations', '/phone-system', '/oauth/locationToken', '/oauth/installedLocations'];
  return v2.some((p) => path === p || path.startsWith(`${p}/`)) ? '2021-07-28' : undefined;
}

export function checkVersion(req: Request, res: Response, next: NextFunction) {
  const wanted = requiredVersion(req.path);
  if (wanted === undefined || req.get('version') === wanted) return next();
  sendError(res, 400, `Version header is missing or invalid; this API requires Version: ${wanted}`);
}

function isParseError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'type' in err && err.type === 'entity.parse.failed';
}

export function notFound(req: Request, res: Response): void {
  sendError(res, 404, `Cannot ${req.method} ${req.path}`);
}

export function handleErrors(err: unknown, _req: Request, res: Response, _next: NextFunction) {
  if (res.headersSent) return;
  if (err instanceof GhlError) return sendError(res, err.status, err.messages);
  if (isParseError(err)) return sendError(res, 400, 'Invalid JSON body');
  if (err instanceof ZodError) {
    return sendError(
      res,
      422,
      err.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`),
    );
  }
  sendError(res, 500, err instanceof Error ? err.message : 'Internal error');
}

/** A query value as one string (express gives string | string[] | undefined). */
export function queryString(req: Request, name: string): string | undefined {
  const v: unknown = req.query[name];
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return undefined;
}

export function requireQuery(req: Request, name: string): string {
  const v = queryString(req, name);
  if (v === undefined || v === '') throw new GhlError(422, [`${name} should not be empty`]);
  return v;
}

export function param(req: Request, name: string): string {
  const v: unknown = req.params[name];
  if (typeof v !== 'string') throw new GhlError(400, `missing path parameter ${name}`);
  return v;
}
