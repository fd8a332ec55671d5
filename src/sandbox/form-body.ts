const PAIR = /^[A-Za-z][A-Za-z0-9_]*=[^&=]*$/;
/** The parameter limit of express.urlencoded; beyond it, it answers 413. */
const MAX_PAIRS = 1000;

/**
 * A form body in the simple shape an OAuth client sends (`name=value&...`, each name once, a letter then
 * letters, digits or `_`, values properly percent-encoded UTF-8), where what express.urlencoded's `qs` makes
 * of it is beyond doubt; undefined for any other body, which the front then leaves to express.
 */
export function parseSimpleForm(text: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  if (text === '') return out;
  const pairs = text.split('&');
  if (pairs.length > MAX_PAIRS) return undefined;
  for (const pair of pairs) {
    if (!PAIR.test(pair)) return undefined;
    const eq = pair.indexOf('=');
    const name = pair.slice(0, eq);
    if (Object.hasOwn(out, name)) return undefined;
    try {
      out[name] = decodeURIComponent(pair.slice(eq + 1).replaceAll('+', ' '));
    } catch {
      return undefined;
    }
  }
  return out;
}
