/**
 * The load generator: a process of its own, as GHL is, posting signed missed-call webhooks over keep-alive
 * connections. Bodies are signed (Ed25519, GHL's current scheme) before the clock starts, so the generator's
 * crypto does not compete with the service inside the measured window, and each is encoded once as the whole
 * request, which wire-client.ts writes to a socket as is (node:http's client paused this process for GC).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { WebhookSigner } from '../../sandbox/webhook-signer.js';
import {
  type ClosedArg,
  type EventPlan,
  type LoadApi,
  type LoadResult,
  missedCallEvent,
  type OpenArg,
  planEvent,
  trafficEvent,
} from './protocol.js';
import { serve } from './rpc.js';
import { postBytes, WireClient } from './wire-client.js';
import { summarize } from './stats.js';

const signer = await WebhookSigner.create();
/** Pre-signing is sized from the last closed-loop rate (first guess 3,000/s), capped to keep it ~2 s. */
let lastClosedRate = 3_000;
const MAX_PRESIGN = 40_000;

/** Event i of the plan, signed and encoded as the whole HTTP request to `target`. */
function signedRequest(target: URL, plan: EventPlan, i: number): Buffer {
  const call = planEvent(plan, i);
  const now = new Date();
  const event = plan.traffic ? trafficEvent(call, i, now) : missedCallEvent(call, now);
  const body = { ...event, timestamp: now.toISOString(), webhookId: `wh_${call.contactId}` };
  const raw = Buffer.from(JSON.stringify(body));
  const signature = signer.headers(raw, 'ed25519')['x-ghl-signature'] ?? '';
  return postBytes(target, { 'Content-Type': 'application/json', 'X-GHL-Signature': signature }, raw);
}

/** The first `count` requests, signed ahead, and the CPU that took. */
function presign(target: URL, plan: EventPlan, count: number): { pool: Buffer[]; signingCpuMs: number } {
  const before = process.cpuUsage();
  const pool = Array.from({ length: Math.min(count, MAX_PRESIGN) }, (_, i) => signedRequest(target, plan, i));
  const spent = process.cpuUsage(before);
  return { pool, signingCpuMs: (spent.user + spent.system) / 1000 };
}

class Recorder {
  readonly #loop = monitorEventLoopDelay({ resolution: 5 });
  readonly latencies: number[] = [];
  readonly statuses: Record<string, number> = {};
  sent = 0;
  ok = 0;
  constructor() {
    this.#loop.enable();
  }
  add(status: number, ms: number): void {
    this.sent += 1;
    this.statuses[String(status)] = (this.statuses[String(status)] ?? 0) + 1;
    if (status >= 200 && status < 300) this.ok += 1;
    this.latencies.push(ms);
  }
  result(elapsedMs: number, issued: number, firstRequestAt: number, signingCpuMs: number): LoadResult {
    const rate = this.ok / (elapsedMs / 1000);
    this.#loop.disable();
    const loopDelayMs = { p99: this.#loop.percentile(99) / 1e6, max: this.#loop.max / 1e6 };
    return {
      issued,
      sent: this.sent,
      ok: this.ok,
      failed: this.sent - this.ok,
      statuses: this.statuses,
      elapsedMs,
      firstRequestAt,
      signingCpuMs,
      rate,
      latency: summarize(this.latencies),
      loopDelayMs,
    };
  }
}

/** N connections, each sending the next request as soon as the last one is answered: the maximum rate. */
async function closed(a: ClosedArg): Promise<LoadResult> {
  const target = new URL(a.url);
  const client = new WireClient(target, a.connections);
  const { pool, signingCpuMs } = presign(
    target,
    a.plan,
    Math.ceil(((a.warmupMs + a.durationMs) / 1000) * lastClosedRate * 1.3),
  );
  let next = 0;
  const rec = new Recorder();
  const firstRequestAt = Date.now();
  const start = performance.now();
  const from = start + a.warmupMs;
  const until = from + a.durationMs;
  async function connection(): Promise<void> {
    while (performance.now() < until) {
      const i = next++;
      const request = pool[i] ?? signedRequest(target, a.plan, i);
      const t0 = performance.now();
      const status = await new Promise<number>((resolve) => client.post(request, resolve));
      const t1 = performance.now();
      if (t0 >= from && t1 <= until) rec.add(status, t1 - t0);
    }
  }
  await Promise.all(Array.from({ length: a.connections }, connection));
  client.close();
  const result = rec.result(a.durationMs, next, firstRequestAt, signingCpuMs);
  if (result.rate > 0) lastClosedRate = result.rate;
  return result;
}

/**
 * A fixed rate whatever the answers: request k is due at start + k/rate and its latency is measured from that
 * due time, so a stalled service shows as latency instead of silently slowing the sender (coordinated omission).
 * The warm-up runs at the same rate, unrecorded: a sender starting cold opens a connection for each request
 * that finds all the others busy, and in the first half second those handshakes were most of a run's slow
 * acknowledgements (bench, slow acks by arrival time), which is the sender's ramp, not the service's steady state.
 */
async function open(a: OpenArg): Promise<LoadResult> {
  const target = new URL(a.url);
  const interval = 1000 / a.rate;
  const warm = Math.round(a.warmupMs / interval);
  const count = warm + Math.max(1, Math.round((a.rate * a.durationMs) / 1000));
  const { pool, signingCpuMs } = presign(target, a.plan, count);
  const client = new WireClient(target, 1_024);
  const rec = new Recorder();
  const start = performance.now() + 20;
  const firstRequestAt = Date.now() + 20;
  let sent = 0;
  let answered = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (sent < count && start + sent * interval <= now) {
        const due = start + sent * interval;
        const recorded = sent >= warm;
        client.post(pool[sent] ?? signedRequest(target, a.plan, sent), (status) => {
          if (recorded) rec.add(status, performance.now() - due);
          answered += 1;
          if (answered === count) resolve();
        });
        sent += 1;
      }
      if (sent < count) setTimeout(tick, Math.max(0, Math.min(2, start + sent * interval - now)));
    };
    tick();
  });
  client.close();
  return rec.result(performance.now() - (start + warm * interval), count - warm, firstRequestAt, signingCpuMs);
}

serve<LoadApi>(
  { closed, open },
  { ed25519PublicPem: signer.keys.ed25519PublicPem, rsaPublicPem: signer.keys.rsaPublicPem },
);
