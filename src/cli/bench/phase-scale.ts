/**
 * Scale: the claim statement timed on an empty queue and again with N future-dated pending step jobs, then the
 * follow-up lag with them in the table. Resources: database growth per missed call, through the real webhook
 * path (ingest, process, attribute with its GHL calls), extrapolated to 100,000 calls.
 */
import { CpuMeter } from './cpu.js';
import { addCallers } from './fixture.js';
import { type LagOptions, type LagResult, measureLag } from './phase-followup.js';
import type { ClaimResult, EventPlan, LoadResult } from './protocol.js';
import { SEED_FUTURE_JOBS } from './seed-runs.js';
import type { Stack } from './stack.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ScaleResult {
  pending: number;
  insertSeconds: number;
  claimEmpty: ClaimResult;
  claimFull: ClaimResult;
  lag: LagResult;
}

export async function measureClaim(s: Stack, rounds: number): Promise<ClaimResult> {
  await s.service.call('worker', { run: false });
  const r = await s.service.call('claimBench', { rounds, limit: s.kind === 'pglite' ? 2 : 8 });
  await s.service.call('worker', { run: true });
  return r;
}

export async function measureScale(
  s: Stack,
  o: { pending: number; rounds: number; claimEmpty: ClaimResult; lag: LagOptions },
  log: (m: string) => void,
): Promise<ScaleResult> {
  await s.service.call('worker', { run: false });
  const t0 = performance.now();
  const chunk = 250_000;
  for (let done = 0; done < o.pending; done += chunk) {
    await s.service.call('sql', {
      text: SEED_FUTURE_JOBS,
      values: [Math.min(chunk, o.pending - done), s.fixture.locations, done],
    });
  }
  await s.service.call('sql', { text: 'vacuum analyze jobs' });
  // The insert writes over a gigabyte of WAL: without this, the checkpoint it starts ran in the middle of the
  // measurement (claim p50 0.94 -> 2.34 ms and lag p99 2.7 s in one run), the insert's cost, not the queue's.
  await checkpoint(s);
  const insertSeconds = (performance.now() - t0) / 1000;
  log(`  ${o.pending.toLocaleString('en-US')} future jobs inserted in ${insertSeconds.toFixed(1)} s`);
  const claimFull = await measureClaim(s, o.rounds);
  const lag = await measureLag(s, o.lag);
  return { pending: o.pending, insertSeconds, claimEmpty: o.claimEmpty, claimFull, lag };
}

export interface SizeResult {
  calls: number;
  bytesBefore: number;
  bytesAfter: number;
  method: string;
  per100kMb: number;
  ingest: LoadResult;
  ingestRate: number;
  /** Missed calls fully processed (webhook job and attribute job done) per second, worker running. */
  processedPerSecond: number;
  processSeconds: number;
  /** Calls still unprocessed when the wait ended (the size then includes them half-done). */
  leftover: number;
  /** CPU ms per missed call, ingestion and processing together, per process. */
  cpu: Record<string, number>;
  /** Database statements per missed call, acknowledgement and processing (attribution job included). */
  roundTripsPerCall: number;
}

/** Flushes what the sizes should see; a role without the right to checkpoint just measures without it. */
async function checkpoint(s: Stack): Promise<void> {
  await s.service.call('sql', { text: 'checkpoint' }).catch(() => []);
}

/** Due work left: webhook and attribute jobs (a stored webhook has its job until it is processed). */
async function backlog(s: Stack): Promise<number> {
  const rows = await s.service.call('sql', {
    text: `select (select count(*) from jobs where state in ('pending', 'running') and run_at <= now())::int as n`,
  });
  return Number(rows[0]?.['n'] ?? 0);
}

export async function measureSize(
  s: Stack,
  o: { calls: number; rate: number; maxWaitMs: number },
): Promise<SizeResult> {
  const plan: EventPlan = { locations: s.fixture.locations, lines: s.fixture.lines, contactPrefix: 'size_' };
  addCallers(s.fixture.sandbox, plan, o.calls);
  await checkpoint(s);
  const before = await s.service.call('dbSize', null);
  const tripsBefore = await s.service.call('roundTrips', null);
  const cpuBefore = s.cpu.snapshot();
  const t0 = Date.now();
  const ingest = await s.load.call('open', {
    url: `${s.url}/webhooks/ghl`,
    rate: o.rate,
    // Every call sent is weighed: none may go unrecorded.
    warmupMs: 0,
    durationMs: (o.calls / o.rate) * 1000,
    plan,
  });
  let leftover = await backlog(s);
  while (leftover > 0 && Date.now() - t0 < o.maxWaitMs) {
    await sleep(250);
    leftover = await backlog(s);
  }
  // From the first request: the load signs the calls first, which is no part of the processing.
  const processSeconds = (Date.now() - ingest.firstRequestAt) / 1000;
  const cpu = CpuMeter.perUnit(cpuBefore, s.cpu.snapshot(), ingest.ok, ingest.signingCpuMs);
  const roundTripsPerCall = ((await s.service.call('roundTrips', null)) - tripsBefore) / Math.max(1, ingest.ok);
  await checkpoint(s);
  const after = await s.service.call('dbSize', null);
  return {
    calls: ingest.ok,
    bytesBefore: before.bytes,
    bytesAfter: after.bytes,
    method: before.method,
    per100kMb: (((after.bytes - before.bytes) / Math.max(1, ingest.ok)) * 100_000) / 1024 / 1024,
    ingest,
    ingestRate: o.rate,
    processedPerSecond: ingest.ok / processSeconds,
    processSeconds,
    leftover,
    cpu,
    roundTripsPerCall,
  };
}
