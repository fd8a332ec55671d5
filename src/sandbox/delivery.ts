import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { SandboxStore } from './store.js';
import type { DeliverOptions, DeliveryAttempt, DeliveryResult, SignMode } from './types.js';
import type { WebhookSigner } from './webhook-signer.js';

export interface DeliveryDeps {
  clock: Clock;
  store: SandboxStore;
  signer: WebhookSigner;
  appBaseUrl: () => string | undefined;
  signWith: SignMode;
  retryDelayMs: number;
  timeoutMs: number;
  /** Aborted at close: pending attempts and retry waits stop. */
  closing: AbortSignal;
}

/** GHL retries a webhook only when the app answers 429, at most 6 times (docs/ghl-webhooks.md, retries). */
const MAX_RETRIES = 6;

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}

async function attempt(deps: DeliveryDeps, url: string, raw: string, headers: Record<string, string>) {
  const at = deps.clock.now();
  try {
    const signal = AbortSignal.any([AbortSignal.timeout(deps.timeoutMs), deps.closing]);
    const res = await fetch(url, { method: 'POST', body: raw, headers, signal });
    await res.arrayBuffer();
    return { at, status: res.status };
  } catch (err) {
    return { at, status: 0, error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Posts one event to `${appBaseUrl}/webhooks/ghl`, signed over the exact bytes sent. Never throws: the result
 * says what happened, and every delivery is kept in the store for tests to inspect.
 */
export async function deliver(deps: DeliveryDeps, event: object, opts: DeliverOptions = {}): Promise<DeliveryResult> {
  const full: Record<string, unknown> = { ...event };
  full['timestamp'] ??= deps.clock.now().toISOString();
  full['webhookId'] = opts.webhookId ?? full['webhookId'] ?? randomUUID();
  const raw = JSON.stringify(full);
  const base = deps.appBaseUrl();
  const url = base === undefined ? '' : `${base.replace(/\/+$/, '')}/webhooks/ghl`;
  const headers = {
    'content-type': 'application/json',
    ...deps.signer.headers(Buffer.from(raw, 'utf8'), opts.sign ?? deps.signWith),
  };
  const attempts: DeliveryAttempt[] = [];
  if (base === undefined) {
    attempts.push({ at: deps.clock.now(), status: 0, error: 'appBaseUrl is not set' });
  } else {
    for (let i = 0; i <= MAX_RETRIES && !deps.closing.aborted; i++) {
      if (i > 0) await wait(deps.retryDelayMs, deps.closing);
      const a = await attempt(deps, url, raw, headers);
      attempts.push(a);
      if (a.status !== 429) break;
    }
  }
  const status = attempts.at(-1)?.status ?? 0;
  const result: DeliveryResult = {
    webhookId: String(full['webhookId']),
    url,
    event: full,
    rawBody: raw,
    headers,
    attempts,
    status,
    ok: status >= 200 && status < 300,
  };
  deps.store.addDelivery(result);
  return result;
}
