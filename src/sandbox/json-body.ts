/** A parsed body, or what the app's error handler answers for one the body parsers reject. */
export type BodyResult = { ok: true; value: unknown } | { ok: false; status: number; message: string };

const FIRST_NON_WHITESPACE = /^[ \t\n\r]*([^ \t\n\r]|$)/;

/**
 * A UTF-8 JSON body as express.json (strict) and the app's error handler take it: an empty body is `{}`,
 * anything but an object or array, like bad JSON, is a 400.
 */
export function parseStrictJson(raw: string): BodyResult {
  // iconv-lite, which decodes for body-parser, drops a UTF-8 byte order mark.
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  if (text.length === 0) return { ok: true, value: {} };
  const first = text[0] === '{' || text[0] === '[' ? text[0] : FIRST_NON_WHITESPACE.exec(text)?.[1];
  if (first === '{' || first === '[') {
    try {
      return { ok: true, value: JSON.parse(text) };
    } catch {
      // Answered below, like the strict-mode refusal.
    }
  }
  return { ok: false, status: 400, message: 'Invalid JSON body' };
}

/** What the app's error handler answers when the client goes before its body is in (raw-body's error). */
export const ABORTED: BodyResult = { ok: false, status: 500, message: 'request aborted' };
