/**
 * Webhook ingestion with the worker stopped (the web tier's work: verify, parse, inbox + job in one commit),
 * next to its ceilings measured on the same machine and database in the same run: a bare express handler
 * behind the same load process, and single-row insert commits through the service's own pool.
 */
import { CpuMeter } from './cpu.js';
import type { CeilingResult, ClosedArg, EventPlan, LoadResult } from './protocol.js';
import type { Stack } from './stack.js';
import { machineTicks, stealPercent } from './steal.js';

/** CPU ms per request of each process over the whole closed-loop run (warm-up included), and `roundTrips`. */
export type CpuPer = Record<string, number>;

export interface IngestOptions {
  connections: number[];
  bareConnections: number[];
  warmupMs: number;
  durationMs: number;
  openDurationMs: number;
  /** Fixed rates to hold besides 50% and 100% of the maximum (the 1,000/s target). */
  fixedRates: number[];
  ceilingMs: number;
}

export interface IngestResult {
  closed: Array<{ connections: number; cpu: CpuPer } & LoadResult>;
  max: { connections: number; rate: number; cpu: CpuPer };
  open: Array<
    { label: string; target: number; serviceLoopDelayMs: { p99: number; max: number }; stealPct: number } & LoadResult
  >;
  bare: Array<{ connections: number; cpu: CpuPer } & LoadResult>;
  bareMax: number;
  inserts: CeilingResult;
}

let runs = 0;
function plan(s: Stack): EventPlan {
  runs += 1;
  return { locations: s.fixture.locations, lines: s.fixture.lines, contactPrefix: `ing${runs}_` };
}

async function closedRun(s: Stack, arg: ClosedArg, target: 'service' | 'bare'): Promise<LoadResult & { cpu: CpuPer }> {
  const trips = target === 'service' ? await s.service.call('roundTrips', null) : 0;
  const before = s.cpu.snapshot();
  const r = await s.load.call('closed', arg);
  const cpu = CpuMeter.perUnit(before, s.cpu.snapshot(), r.issued, r.signingCpuMs);
  if (target === 'service')
    cpu['roundTrips'] = ((await s.service.call('roundTrips', null)) - trips) / Math.max(1, r.issued);
  return { ...r, cpu };
}

export async function measureIngestion(s: Stack, o: IngestOptions, log: (m: string) => void): Promise<IngestResult> {
  const bareUrl = `${s.bare.info['url']}/webhooks/ghl`;
  const url = `${s.url}/webhooks/ghl`;
  const bare: IngestResult['bare'] = [];
  for (const connections of o.bareConnections) {
    const r = await closedRun(
      s,
      { url: bareUrl, connections, warmupMs: o.warmupMs, durationMs: o.durationMs, plan: plan(s) },
      'bare',
    );
    bare.push({ connections, ...r });
    log(`  bare express, ${connections} connections: ${Math.round(r.rate)}/s`);
  }
  const concurrency = s.kind === 'postgres' ? 8 : 1;
  const inserts = await s.service.call('insertCeiling', { durationMs: o.ceilingMs, concurrency });
  log(`  single-row insert commits, ${concurrency} connection(s): ${Math.round(inserts.rate)}/s`);

  // The fixed rates (the targets) measure a steady state, so they go before the closed-loop maximum, whose tens
  // of thousands of webhooks at full speed left their after-effects in the next window (at 1,000/s, p99 over
  // 25 ms in 6 of 12 bench runs right after the maximum; in 1 of 12 eight-second windows from a quiet start,
  // and in none of 3 runs in this order; all measured with the load process's old node:http client, whose
  // own GC was later found to be most of the tail). The overload (100% of max, where a queue builds by design)
  // goes last for the same reason.
  const open: IngestResult['open'] = [];
  const openRun = async (label: string, target: number) => {
    await s.service.call('loopDelay', null);
    const ticks = machineTicks();
    const r = await s.load.call('open', {
      url,
      rate: target,
      warmupMs: o.warmupMs,
      durationMs: o.openDurationMs,
      plan: plan(s),
    });
    const stealPct = stealPercent(ticks, machineTicks());
    const serviceLoopDelayMs = await s.service.call('loopDelay', null);
    open.push({ label, target, ...r, serviceLoopDelayMs, stealPct });
    const stalls = `event-loop delay p99/max: service ${serviceLoopDelayMs.p99.toFixed(1)}/${serviceLoopDelayMs.max.toFixed(1)}, load ${r.loopDelayMs.p99.toFixed(1)}/${r.loopDelayMs.max.toFixed(1)} ms; CPU steal ${stealPct.toFixed(1)}%`;
    log(
      `  ingestion open-loop at ${target}/s (${label}): p50 ${r.latency.p50.toFixed(1)} p99 ${r.latency.p99.toFixed(1)} max ${r.latency.max.toFixed(1)} ms; ${stalls}`,
    );
  };
  for (const rate of o.fixedRates) await openRun(`${rate}/s`, rate);

  const closed: IngestResult['closed'] = [];
  for (const connections of o.connections) {
    const r = await closedRun(
      s,
      { url, connections, warmupMs: o.warmupMs, durationMs: o.durationMs, plan: plan(s) },
      'service',
    );
    closed.push({ connections, ...r });
    log(
      `  ingestion, ${connections} connections: ${Math.round(r.rate)}/s, p99 ${r.latency.p99.toFixed(1)} ms, failed ${r.failed}`,
    );
  }
  const best = closed.reduce((a, b) => (b.rate > a.rate ? b : a));
  const max = { connections: best.connections, rate: best.rate, cpu: best.cpu };
  await openRun('50% of max', Math.round(max.rate * 0.5));
  await openRun('100% of max', Math.round(max.rate));
  // What ingestion left behind would be processed by the next phase's worker: it is not part of it.
  await s.service.call('sql', { text: 'truncate webhook_inbox, jobs' });
  await s.service.call('sql', { text: 'vacuum analyze jobs' });
  return { closed, max, open, bare, bareMax: Math.max(...bare.map((b) => b.rate)), inserts };
}
