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

const V2 = [
  '/contacts',
  '/users',
  '/locations',
  '/phone-system',
  '/opportunities',
  '/oauth/locationToken',
  '/oauth/installedLocations',
];
const V2_FOLDERS = V2.map((p) => `${p}/`);

/** The `Version` each API family demands (docs/ghl-platform.md §1); undefined for paths that take none (/oauth/token). */
export function requiredVersion(path: string): string | undefined {
  if (path.startsWith('/conversations') || path.startsWith('/calendars')) return '2021-04-15';
  for (let i = 0; i < V2.length; i++) {
    if (path === V2[i] || path.startsWith(V2_FOLDERS[i] ?? '')) return '2021-07-28';
  }
  return undefined;
}

/** The 400 message when the `Version` header does not fit the path, else undefined. */
export function versionProblem(path: string, given: unknown): string | undefined {
  const wanted = requiredVersion(path);
  if (wanted === undefined || given === wanted) return undefined;
  return `Version header is missing or invalid; this API requires Version: ${wanted}`;
}

export function checkVersion(req: Request, res: Response, next: NextFunction) {
  const problem = versionProblem(req.path, req.get('version'));
  if (problem === undefined) return next();
  sendError(res, 400, problem);
}

function isParseError(err: unknown): boolean {
  return typeof err === 'object' && err !== null && 'type' in err && err.type === 'entity.parse.failed';
}

export function notFound(req: Request, res: Response): void {
  sendError(res, 404, `Cannot ${req.method} ${req.path}`);
}

/** What `handleErrors` answers for an error a handler threw, in GHL's shape. */
export function errorAnswer(err: unknown): { status: number; body: Record<string, unknown> } {
  if (err instanceof GhlError) return { status: err.status, body: ghlErrorBody(err.status, err.messages) };
  if (isParseError(err)) return { status: 400, body: ghlErrorBody(400, 'Invalid JSON body') };
  if (err instanceof ZodError) {
    const issues = err.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`);
    return { status: 422, body: ghlErrorBody(422, issues) };
  }
  return { status: 500, body: ghlErrorBody(500, err instanceof Error ? err.message : 'Internal error') };
}

export function handleErrors(err: unknown, _req: Request, res: Response, _next: NextFunction) {
  if (res.headersSent) return;
  const { status, body } = errorAnswer(err);
  res.status(status).json(body);
}
