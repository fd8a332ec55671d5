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
  /** Sandbox-clock milliseconds from a 429 to its redelivery (GHL: about 10 minutes). */
  redeliveryDelayMs: number;
  /** Up to this many more sandbox-clock milliseconds, at random (GHL adds jitter). */
  redeliveryJitterMs: number;
  timeoutMs: number;
  /** Aborted at close: pending attempts stop and nothing is redelivered. */
  closing: AbortSignal;
}

/**
 * GHL redelivers a webhook only when the app answered 429, at most 6 times, about 10 minutes apart, with the same
 * payload (docs/ghl-webhooks.md, retries). Anything else, a 400, a 500 or no answer at all, is never sent again.
 */
export const MAX_REDELIVERIES = 6;

async function attempt(deps: DeliveryDeps, d: DeliveryResult): Promise<DeliveryAttempt> {
  const at = deps.clock.now();
  const base = deps.appBaseUrl();
  if (base === undefined) return { at, status: 0, error: 'appBaseUrl is not set' };
  // The app's URL as configured now: GHL posts each attempt to the app's current webhook URL.
  d.url = `${base.replace(/\/+$/, '')}/webhooks/ghl`;
  try {
    const signal = AbortSignal.any([AbortSignal.timeout(deps.timeoutMs), deps.closing]);
    const res = await fetch(d.url, { method: 'POST', body: d.rawBody, headers: d.headers, signal });
    await res.arrayBuffer();
    return { at, status: res.status };
  } catch (err) {
    return { at, status: 0, error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Webhook delivery on the sandbox's clock. `deliver` makes the first attempt and resolves with its result; a 429
 * schedules the same bytes again `redeliveryDelayMs` later on the sandbox clock, and the result object records
 * every later attempt. Redeliveries go out when `runDue` finds them due: a timer calls it every `pollMs` of
 * real time (so a real-time or accelerated clock needs nothing more), and a test on a manual clock calls it
 * after moving the clock.
 */
export class Deliveries {
  readonly #waiting = new Set<DeliveryResult>();
  readonly #inFlight = new Set<Promise<void>>();
  readonly #timer: NodeJS.Timeout;

  constructor(
    private readonly deps: DeliveryDeps,
    pollMs = 50,
  ) {
    this.#timer = setInterval(() => void this.runDue(), pollMs);
    this.#timer.unref();
    deps.closing.addEventListener('abort', () => clearInterval(this.#timer));
  }

  /** Posts one event to `${appBaseUrl}/webhooks/ghl`, signed over the exact bytes sent. Never throws. */
  async deliver(event: object, opts: DeliverOptions = {}): Promise<DeliveryResult> {
    const full: Record<string, unknown> = { ...event };
    full['timestamp'] ??= this.deps.clock.now().toISOString();
    full['webhookId'] = opts.webhookId ?? full['webhookId'] ?? randomUUID();
    const rawBody = JSON.stringify(full);
    const headers = {
      'content-type': 'application/json',
      ...this.deps.signer.headers(Buffer.from(rawBody, 'utf8'), opts.sign ?? this.deps.signWith),
    };
    const d: DeliveryResult = {
      webhookId: String(full['webhookId']),
      url: '',
      event: full,
      rawBody,
      headers,
      attempts: [],
      status: 0,
      ok: false,
      nextAttemptAt: null,
    };
    this.deps.store.addDelivery(d);
    await this.#attempt(d);
    return d;
  }

  /**
   * Redelivers every 429'd webhook whose time has come on the sandbox clock, and resolves once they, and any
   * redelivery the timer started, were answered. Returns the ones this call started.
   */
  async runDue(): Promise<DeliveryResult[]> {
    const now = this.deps.clock.now().getTime();
    const due = [...this.#waiting].filter((d) => d.nextAttemptAt !== null && d.nextAttemptAt.getTime() <= now);
    for (const d of due) {
      this.#waiting.delete(d);
      const p = this.#attempt(d).finally(() => this.#inFlight.delete(p));
      this.#inFlight.add(p);
    }
    await Promise.all([...this.#inFlight]);
    return due;
  }

  /** 429'd webhooks still to be redelivered. */
  pending(): DeliveryResult[] {
    return [...this.#waiting];
  }

  async #attempt(d: DeliveryResult): Promise<void> {
    d.nextAttemptAt = null;
    if (this.deps.closing.aborted) return;
    const a = await attempt(this.deps, d);
    d.attempts.push(a);
    d.status = a.status;
    d.ok = a.status >= 200 && a.status < 300;
    if (a.status !== 429 || d.attempts.length > MAX_REDELIVERIES || this.deps.closing.aborted) return;
    const delay = this.deps.redeliveryDelayMs + Math.random() * this.deps.redeliveryJitterMs;
    d.nextAttemptAt = new Date(a.at.getTime() + delay);
    this.#waiting.add(d);
  }
}
