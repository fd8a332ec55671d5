// What a booking link must be, and what an owner's near miss means, for the server and the page alike: plain JS
// served as is from /app/core/ for the reason clock-text.js gives; it imports nothing outside src/core/shared/.

/**
 * An absolute http(s) URL with a host and no white space: what the document accepts as a link.
 * @param {string} text
 * @returns {boolean}
 */
export function isHttpUrl(text) {
  if (/\s/.test(text)) return false;
  try {
    const url = new URL(text);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * "book.brightsmile.com" → "https://book.brightsmile.com"; null when even that is not a link.
 * @param {string} text
 * @returns {string | null}
 */
export function normaliseLink(text) {
  const trimmed = text.trim();
  if (trimmed === '' || isHttpUrl(trimmed)) return trimmed;
  if (/^[a-z][a-z0-9+.-]*:/i.test(trimmed) && !/^[^:/]+\.[^:/]+:\d/.test(trimmed)) return null;
  const guess = `https://${trimmed.replace(/^\/+/, '')}`;
  return isHttpUrl(guess) && new URL(guess).hostname.includes('.') ? guess : null;
}
