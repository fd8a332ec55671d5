/**
 * What a verified body must be before it goes into the inbox. GHL events are a few levels deep; Postgres refuses
 * some JSON that JSON.parse accepts: very deep nesting (stack depth), and NUL or lone UTF-16 surrogates in text
 * and jsonb. Such a body used to fail the insert and answer 429, so GHL redelivered it to the same end and
 * dropped it after six tries (test/hostile/webhook-fuzz.test.ts).
 */

/** Far beyond any GHL event, far below what Postgres's jsonb input can take. */
export const MAX_NESTING = 64;

/** Whether arrays and objects nest deeper than `limit`; walked without recursion, so any depth is safe. */
export function isNestedDeeperThan(value: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth + 1 > limit) return true;
    for (const child of Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

// The escapes Postgres refuses: \u0000, and a high or low surrogate (valid pairs take the slow path too, harmlessly).
const UNSTORABLE_ESCAPE = /\\u0000|\\ud[89a-f]/i;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function cleanText(s: string): string {
  return s.replaceAll('\u0000', '\uFFFD').replace(LONE_SURROGATE, '\uFFFD');
}

function clean(value: unknown): unknown {
  if (typeof value === 'string') return cleanText(value);
  if (Array.isArray(value)) return value.map(clean);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [cleanText(k), clean(v)]));
  }
  return value;
}

/**
 * The body as the inbox stores it: the raw text when Postgres takes it as is (nearly always), else the same
 * document with U+FFFD in place of NUL and lone surrogates. Call after the depth check.
 */
export function storableBody(text: string, json: unknown): { text: string; json: unknown } {
  if (!UNSTORABLE_ESCAPE.test(text)) return { text, json };
  const cleaned = clean(json);
  return { text: JSON.stringify(cleaned), json: cleaned };
}
