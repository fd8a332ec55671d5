/** The phases in their order; `only` picks some of them (to iterate on one while profiling). */
import { measureLag, measureThroughput, type ThroughputResult } from './phase-followup.js';
import { measureEndToEnd } from './phase-e2e.js';
import { measureIngestion } from './phase-ingest.js';
import { measureClaim, measureScale, measureSize } from './phase-scale.js';
import type { BenchResults } from './report.js';
import type { Stack } from './stack.js';
import { DEFAULT_TRAFFIC, type TrafficModel } from './traffic-model.js';

export const PHASES = ['ingest', 'lag', 'tp', 'e2e', 'scale', 'size'] as const;
export type Phase = (typeof PHASES)[number];

export interface Params {
  locations: number;
  conns: number[];
  bareConns: number[];
  warm: number;
  dur: number;
  open: number;
  ceiling: number;
  lagRate: number;
  lagMs: number;
  /** Steps due at the lag rate before each lag window, reported apart (LagOptions.warmupMs). */
  lagWarm: number;
  /** How long after its due window a step may still be sent before it counts as lagging at least that much. */
  graceMs: number;
  tpSteps: number;
  tpWindowMs: number;
  sizeWaitMs: number;
  claimRounds: number;
  sizeCalls: number;
  pending: number;
  /** Missed calls per second held in the end-to-end phase, one window each. */
  e2eRates: number[];
  e2eMs: number;
  /** Earlier missed calls, finished, in the tables before the end-to-end phase measures (E2eOptions.history). */
  e2eHistory: number;
}

export const QUICK: Omit<Params, 'pending'> = {
  locations: 200,
  conns: [16, 64],
  bareConns: [64],
  warm: 500,
  dur: 2_000,
  open: 3_000,
  ceiling: 2_000,
  lagRate: 200,
  lagMs: 5_000,
  lagWarm: 2_000,
  graceMs: 3_000,
  tpSteps: 2_000,
  tpWindowMs: 5_000,
  claimRounds: 100,
  sizeCalls: 300,
  sizeWaitMs: 15_000,
  e2eRates: [100, 250],
  e2eMs: 4_000,
  e2eHistory: 5_000,
};
export const FULL: Omit<Params, 'pending'> = {
  locations: 400,
  conns: [8, 32, 64, 128],
  bareConns: [32, 128],
  warm: 1_000,
  dur: 5_000,
  open: 8_000,
  ceiling: 5_000,
  lagRate: 200,
  lagMs: 20_000,
  lagWarm: 5_000,
  graceMs: 10_000,
  tpSteps: 6_000,
  tpWindowMs: 15_000,
  claimRounds: 300,
  sizeCalls: 1_000,
  sizeWaitMs: 45_000,
  e2eRates: [100, 250, 500],
  e2eMs: 10_000,
  e2eHistory: 20_000,
};

type Measured = Omit<BenchResults, 'meta' | 'rss' | 'rssBeforeSize'> & Partial<Pick<BenchResults, 'rssBeforeSize'>>;

/** A backlog drained by one worker, then (Postgres only) by two worker processes on the same database. */
async function measureWorkers(
  s: Stack,
  P: Params,
  leadMs: number,
  log: (m: string) => void,
): Promise<ThroughputResult[]> {
  const tp = [await measureThroughput(s, { steps: P.tpSteps, workers: 1, leadMs, windowMs: P.tpWindowMs })];
  log(`  steps/s, 1 worker: ${tp[0]?.sustained.toFixed(0)} sustained`);
  if (s.kind === 'pglite') return tp;
  const second = await s.startService('worker');
  s.rss.watch('worker2', second.pid);
  s.cpu.watch('worker2', second.pid);
  await second.call('worker', { run: true });
  tp.push(await measureThroughput(s, { steps: P.tpSteps, workers: 2, leadMs, windowMs: P.tpWindowMs }));
  log(`  steps/s, 2 workers: ${tp[1]?.sustained.toFixed(0)} sustained`);
  s.rss.sample();
  await second.stop();
  return tp;
}

export async function runPhases(
  s: Stack,
  P: Params,
  only: ReadonlySet<Phase>,
  say: (m: string) => void,
  model: TrafficModel = DEFAULT_TRAFFIC,
): Promise<Measured> {
  const out: Measured = {};
  // Each line says the service's resident memory so far, so the report can say which phase set the peak.
  const log = (m: string) => {
    s.rss.sample();
    const { sampledMaxMb } = s.rss.peakMb('service');
    say(`${m}  [service RSS max so far ${Math.round(sampledMaxMb)} MB]`);
  };
  const lead = 3_000;
  if (only.has('ingest')) {
    log('ingestion (worker stopped) and its ceilings');
    out.ingestion = await measureIngestion(
      s,
      {
        connections: P.conns,
        bareConnections: P.bareConns,
        warmupMs: P.warm,
        durationMs: P.dur,
        openDurationMs: P.open,
        fixedRates: [1000],
        ceilingMs: P.ceiling,
      },
      log,
    );
  }
  const claimEmpty = only.has('scale') ? await measureClaim(s, P.claimRounds) : null;
  await s.service.call('worker', { run: true });
  if (only.has('lag')) {
    log(`follow-up lag at ${P.lagRate} due steps/s for ${P.lagMs / 1000} s`);
    const lag = await measureLag(s, {
      rate: P.lagRate,
      durationMs: P.lagMs,
      warmupMs: P.lagWarm,
      leadMs: lead,
      graceMs: P.graceMs,
    });
    log(
      `  lag p50 ${lag.lagMs.p50.toFixed(0)} p99 ${lag.lagMs.p99.toFixed(0)} max ${lag.lagMs.max.toFixed(0)} ms, ${lag.sent}/${lag.steps} sent; CPU steal ${lag.stealPct.toFixed(1)}%`,
    );
    log(
      `  lag over the ${P.lagWarm / 1000} s warm-up before it: p50 ${lag.warmup.lagMs.p50.toFixed(0)} p99 ${lag.warmup.lagMs.p99.toFixed(0)} max ${lag.warmup.lagMs.max.toFixed(0)} ms`,
    );
    log(
      `  GHL calls per step: ${Object.entries(lag.callsByPath)
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}`,
    );
    out.lag = lag;
  }
  if (only.has('tp')) out.throughput = await measureWorkers(s, P, lead, log);
  if (only.has('e2e')) {
    log(`end to end: missed calls at ${P.e2eRates.join(', ')}/s, first SMS due at once, worker running`);
    out.e2e = await measureEndToEnd(
      s,
      {
        rates: P.e2eRates,
        warmupMs: P.warm,
        durationMs: P.e2eMs,
        graceMs: P.graceMs,
        ceilingMs: P.ceiling,
        history: P.e2eHistory,
        model,
      },
      log,
    );
  }
  if (claimEmpty) {
    log(`scale: ${P.pending.toLocaleString('en-US')} future-dated jobs`);
    const lag = {
      rate: P.lagRate,
      durationMs: Math.min(P.lagMs, 10_000),
      warmupMs: P.lagWarm,
      leadMs: lead,
      graceMs: P.graceMs,
    };
    out.scale = await measureScale(s, { pending: P.pending, rounds: P.claimRounds, claimEmpty, lag }, log);
    const sc = out.scale;
    log(
      `  claim p50 ${sc.claimEmpty.claimMs.p50.toFixed(2)} -> ${sc.claimFull.claimMs.p50.toFixed(2)} ms; lag p99 ${sc.lag.lagMs.p99.toFixed(0)} ms`,
    );
  }
  // The size phase dumps PGlite's whole data dir into memory to weigh it: the service's peak is read before.
  out.rssBeforeSize = s.rss.peakMb('service');
  if (only.has('size')) {
    // Last: the calls it ingests schedule their first SMS two minutes later, which no other phase should see.
    log(`database size: ${P.sizeCalls} missed calls through the webhook path, worker running`);
    out.size = await measureSize(s, { calls: P.sizeCalls, rate: 200, maxWaitMs: P.sizeWaitMs });
  }
  s.rss.sample();
  return out;
}
