import type { ServerResponse } from 'node:http';

/**
 * Strict-Transport-Security for a service whose public URL is https: a browser that once reached it keeps to
 * https for a year, so a network attacker cannot strip TLS from the settings page's next visit. Over plain
 * http (development, the sandbox) the header means nothing and is not sent. Kept apart from
 * security-headers.ts, which the express app and webhooks/front.ts also share.
 */
export const HSTS_VALUE = 'max-age=31536000; includeSubDomains';

export function hstsSetter(appBaseUrl: string): (res: ServerResponse) => void {
  if (!appBaseUrl.toLowerCase().startsWith('https://')) return () => {};
  return (res) => res.setHeader('Strict-Transport-Security', HSTS_VALUE);
}
