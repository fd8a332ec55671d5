import type { RequestHead } from './request-head.js';
import type { RouteHit, RouteTable } from './route-table.js';

/** The body parsers' limit in the app (1mb); a larger body goes to express, which answers it. */
const BODY_LIMIT = 1024 * 1024;

/** Printable ASCII without `#`: a URL express's parseurl takes apart the same simple way. */
const PLAIN_URL = /^\/[\x21\x22\x24-\x7e]*$/;
const JSON_TYPE = /^application\/json(?:; ?charset=(?:utf-8|"utf-8"))?$/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded(?:; ?charset=(?:utf-8|"utf-8"))?$/i;
const DIGITS = /^\d+$/;

/** An API request the front answers itself. */
export interface PlainRequest {
  method: string;
  path: string;
  rawQuery: string;
  headers: Record<string, string>;
  hit: RouteHit;
  /** Undefined when there is no body. */
  body: { length: number; form: boolean } | undefined;
}

/**
 * The requests whose answer the express app would give without anything the front leaves out: a known API
 * route, keep-alive, no conditional GET (express may answer 304), no body or an uncompressed UTF-8 JSON or
 * form body within express's limit (a form must still prove simple, src/sandbox/form-body.ts). Anything else
 * (HEAD, OPTIONS, gzip, chunked, Expect, Connection: close, an unknown path) is undefined: node's HTTP server
 * and the express app answer it, as they always did.
 */
export function plainRequest(table: RouteTable, head: RequestHead): PlainRequest | undefined {
  const h = head.headers;
  if (!PLAIN_URL.test(head.url) || h['host'] === undefined) return undefined;
  if (h['if-none-match'] !== undefined || h['if-modified-since'] !== undefined) return undefined;
  if (h['expect'] !== undefined || h['upgrade'] !== undefined || h['transfer-encoding'] !== undefined) return undefined;
  const connection = h['connection'];
  if (connection !== undefined && connection.toLowerCase() !== 'keep-alive') return undefined;
  const length = h['content-length'];
  const form = length !== undefined && FORM_TYPE.test(h['content-type'] ?? '');
  if (length !== undefined && !plainBody(h, length, form)) return undefined;
  const q = head.url.indexOf('?');
  const path = q === -1 ? head.url : head.url.slice(0, q);
  const hit = table.match(head.method, path);
  if (!hit) return undefined;
  return {
    method: head.method,
    path,
    rawQuery: q === -1 ? '' : head.url.slice(q + 1),
    headers: h,
    hit,
    body: length === undefined ? undefined : { length: Number(length), form },
  };
}

function plainBody(h: Record<string, string>, length: string, form: boolean): boolean {
  const encoding = h['content-encoding'];
  if (encoding !== undefined && encoding.toLowerCase() !== 'identity') return false;
  if (!DIGITS.test(length) || Number(length) > BODY_LIMIT) return false;
  return form || JSON_TYPE.test(h['content-type'] ?? '');
}
