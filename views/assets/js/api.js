// Calls to Ringback's /api with the in-memory session token. An expired token is renewed once through the
// GHL handshake, then the call is repeated.
import { exchange, requestUserData } from './sso.js';
import { online } from './status.js';

// What the owner reads when the browser could not reach Ringback at all (fetch's own "Failed to fetch" means nothing).
export const UNREACHABLE = 'Can’t reach Ringback. Check your connection and retry; your changes are kept.';

let session = null;
let chosenLocation = null;

export class ApiError extends Error {
  constructor(status, error) {
    // A proxy's 502 page has no JSON error: say so in words, not just a number.
    super(error?.message ?? `Ringback did not answer properly (HTTP ${status}). Try again in a moment.`);
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
  let res;
  try {
    res = await fetch(path, {
      method,
      headers: {
        authorization: `Bearer ${session?.token ?? ''}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, { code: 'NETWORK', message: UNREACHABLE });
  }
  online();
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

/**
 * A file from Ringback's /api (the CSV export) as `{ blob, name }`. The session is a bearer token, which a plain
 * link cannot send: the page fetches the file and saves the blob. Same renewal and errors as `api`.
 */
export async function download(path, retried = false) {
  let res;
  try {
    res = await fetch(path, { headers: { authorization: `Bearer ${session?.token ?? ''}` } });
  } catch {
    throw new ApiError(0, { code: 'NETWORK', message: UNREACHABLE });
  }
  online();
  if (!res.ok) {
    const data = await res.json().catch(() => ({}));
    if (
      res.status === 401 &&
      !retried &&
      (data.error?.code === 'TOKEN_EXPIRED' || data.error?.code === 'INVALID_TOKEN')
    ) {
      await renew();
      return download(path, true);
    }
    throw new ApiError(res.status, data.error);
  }
  const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'download';
  return { blob: await res.blob(), name };
}
