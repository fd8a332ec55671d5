// The GHL custom-page handshake: ask the parent frame for the encrypted user context, accept the answer only
// from an allowed origin, and exchange it for a session token kept in memory (never a cookie or storage).

const TIMEOUT_MS = 10_000;

export function allowedOrigins() {
  const meta = document.querySelector('meta[name="ringback-allowed-origins"]');
  return (meta?.getAttribute('content') ?? '').split(/\s+/).filter(Boolean);
}

/** Exact origins match exactly; `https://*.example.com` matches any subdomain over https. */
export function isAllowedOrigin(origin, patterns) {
  return patterns.some((pattern) => {
    if (!pattern.includes('*')) return pattern === origin;
    const match = /^(https?):\/\/\*\.(.+)$/.exec(pattern);
    if (!match) return false;
    const [, scheme, domain] = match;
    if (!origin.startsWith(`${scheme}://`)) return false;
    const host = origin.slice(scheme.length + 3);
    return host.endsWith(`.${domain}`) && host.length > domain.length + 1;
  });
}

/** The encrypted payload from GHL's REQUEST_USER_DATA_RESPONSE. */
export function requestUserData() {
  return new Promise((resolve, reject) => {
    if (window.parent === window) {
      reject(new Error('Open Ringback from inside HighLevel: this page needs the HighLevel user context.'));
      return;
    }
    const patterns = allowedOrigins();
    const timer = setTimeout(() => {
      window.removeEventListener('message', onMessage);
      reject(
        new Error(
          'HighLevel did not answer with your user details. Reload the page; if it persists, check the app’s shared secret.',
        ),
      );
    }, TIMEOUT_MS);
    function onMessage(event) {
      if (event.source !== window.parent || !isAllowedOrigin(event.origin, patterns)) return;
      const data = event.data;
      if (data?.message !== 'REQUEST_USER_DATA_RESPONSE' || typeof data.payload !== 'string') return;
      clearTimeout(timer);
      window.removeEventListener('message', onMessage);
      resolve(data.payload);
    }
    window.addEventListener('message', onMessage);
    window.parent.postMessage({ message: 'REQUEST_USER_DATA' }, '*');
  });
}

/** POST /api/session; an agency user outside a sub-account gets `{ choices }` to pick from. */
export async function exchange(payload, locationId) {
  const res = await fetch('/api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(locationId ? { payload, locationId } : { payload }),
  });
  const body = await res.json().catch(() => ({}));
  if (res.ok) return { session: body };
  if (res.status === 400 && body.error?.code === 'LOCATION_REQUIRED') return { choices: body.error.choices ?? [] };
  throw new Error(body.error?.message ?? `sign-in failed (HTTP ${res.status})`);
}
