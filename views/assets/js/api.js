// Calls to Ringback's /api with the in-memory session token. An expired token is renewed once through the
// GHL handshake, then the call is repeated.
import { exchange, requestUserData } from './sso.js';

let session = null;
let chosenLocation = null;

export class ApiError extends Error {
  constructor(status, error) {
    super(error?.message ?? `request failed (HTTP ${status})`);
    this.status = status;
    this.code = error?.code ?? 'HTTP_ERROR';
    this.details = error?.details ?? [];
  }
}

export function setSession(next, locationId) {
  session = next;
  chosenLocation = locationId ?? next?.locationId ?? null;
}

export function currentSession() {
  return session;
}

let renewing = null;

// Calls failing together share one renewal.
function renew() {
  renewing ??= (async () => {
    const payload = await requestUserData();
    const result = await exchange(payload, chosenLocation);
    if (!result.session) throw new Error('Choose a sub-account again: reload the page.');
    session = result.session;
  })().finally(() => {
    renewing = null;
  });
  return renewing;
}

/** `api('PUT', '/api/settings', body, { 'if-match': '"3"' })` → `{ status, data, headers }`; throws ApiError. */
export async function api(method, path, body, headers = {}, retried = false) {
  const res = await fetch(path, {
    method,
    headers: {
      authorization: `Bearer ${session?.token ?? ''}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  if (
    res.status === 401 &&
    !retried &&
    (data.error?.code === 'TOKEN_EXPIRED' || data.error?.code === 'INVALID_TOKEN')
  ) {
    await renew();
    return api(method, path, body, headers, true);
  }
  if (!res.ok) throw new ApiError(res.status, data.error);
  return { status: res.status, data, headers: res.headers };
}
