/** A request head as the sandbox's front reads it, before deciding whether node's HTTP server should have it. */
export interface RequestHead {
  method: string;
  url: string;
  /** Lower-case names, values without surrounding whitespace. */
  headers: Record<string, string>;
  /** Bytes up to and including the blank line. */
  length: number;
}

/** Node's default limit (`maxHeaderSize`); it answers a longer head with 431. */
const MAX_HEAD_BYTES = 16 * 1024;

/** An HTTP/1.1 head of printable ASCII: request line, then `name: value` lines with token names. */
const PLAIN_HEAD = /^[A-Z]+ [\x21-\x7e]+ HTTP\/1\.1\r\n(?:[!#$%&'*+\-.^_`|~0-9A-Za-z]+:[\t\x20-\x7e]*\r\n)*\r\n$/;

/**
 * The head at the start of `buffer`: undefined while incomplete, null when it is not a plain HTTP/1.1 head
 * (another version, a repeated or malformed header, bytes outside printable ASCII). Nothing is rejected here:
 * null only means node's own parser should read the connection from this request on, with its own rules.
 */
export function readHead(buffer: Buffer): RequestHead | null | undefined {
  const end = buffer.indexOf('\r\n\r\n');
  if (end === -1) return buffer.length > MAX_HEAD_BYTES ? null : undefined;
  const length = end + 4;
  if (length > MAX_HEAD_BYTES) return null;
  const text = buffer.toString('latin1', 0, length);
  if (!PLAIN_HEAD.test(text)) return null;
  const space = text.indexOf(' ');
  const lineEnd = text.indexOf('\r\n');
  const headers: Record<string, string> = Object.create(null);
  for (let at = lineEnd + 2; at < end; ) {
    const next = text.indexOf('\r\n', at);
    const colon = text.indexOf(':', at);
    const name = text.slice(at, colon).toLowerCase();
    if (name in headers) return null;
    headers[name] = text.slice(colon + 1, next).trim();
    at = next + 2;
  }
  return { method: text.slice(0, space), url: text.slice(space + 1, lineEnd - 9), headers, length };
}
