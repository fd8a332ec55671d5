import { hash } from 'node:crypto';
import { STATUS_CODES } from 'node:http';

let dateSecond = -1;
let dateHeader = '';

/** Node's `Date` header: real time, computed once a second. */
function httpDate(): string {
  const now = Date.now();
  const second = Math.floor(now / 1000);
  if (second !== dateSecond) {
    dateSecond = second;
    dateHeader = new Date(now).toUTCString();
  }
  return dateHeader;
}

/**
 * The bytes node's HTTP server sends for express's `res.json` under the app's settings, on a keep-alive
 * connection: `headers` (rate limit, Retry-After) in order, the content type with its charset, the length,
 * the weak ETag, then node's Date, Connection and Keep-Alive (its 5 s keepAliveTimeout).
 */
export function formatReply(status: number, headers: Record<string, string>, text: string): string {
  const length = Buffer.byteLength(text, 'utf8');
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'unknown'}\r\n`;
  for (const name in headers) head += `${name}: ${headers[name]}\r\n`;
  const etag = `W/"${length.toString(16)}-${hash('sha1', text, 'base64').slice(0, 27)}"`;
  head += `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${length}\r\nETag: ${etag}\r\n`;
  return `${head}Date: ${httpDate()}\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n\r\n${text}`;
}
