/** The printed table (with PASS/MISS against the targets) and the JSON written next to it. */
import type { LagResult, ThroughputResult } from './phase-followup.js';
import type { IngestResult } from './phase-ingest.js';
import type { ScaleResult, SizeResult } from './phase-scale.js';
import type { E2eResult } from './phase-e2e.js';
import { cpuText, lat, ms, n0, type Row, verdict } from './report-cells.js';
import { capacity, e2eRows } from './report-e2e.js';

export interface BenchResults {
  meta: {
    db: 'postgres' | 'pglite';
    quick: boolean;
    phases: string[];
    startedAt: string;
    seconds: number;
    locations: number;
    node: string;
    cpus: number;
    loadAverageAtStart: number[];
    notes: string[];
  };
  ingestion?: IngestResult;
  lag?: LagResult;
  throughput?: ThroughputResult[];
  scale?: ScaleResult;
  size?: SizeResult;
  e2e?: E2eResult;
  rss: Record<string, Rss>;
  /** The service's memory before the size phase, whose PGlite dump is a measuring artifact. */
  rssBeforeSize?: Rss;
}

export interface Rss {
  hwmMb: number | null;
  sampledMaxMb: number;
  afterStartMb: number;
}

function ingestionRows(i: IngestResult, db: 'postgres' | 'pglite'): Row[] {
  const ratio = i.max.rate / i.inserts.rate;
  const out: Row[] = [
    ['Ceiling: bare express (same load process)', `${n0(i.bareMax)}/s`, '', ''],
    [`Ceiling: single-row insert commits (${i.inserts.concurrency} conn)`, `${n0(i.inserts.rate)}/s`, '', ''],
    [
      `Ingestion max, closed loop (best of ${i.closed.map((c) => c.connections).join('/')} conn: ${i.max.connections})`,
      `${n0(i.max.rate)}/s`,
      '>= 2,000/s',
      verdict(i.max.rate >= 2000),
    ],
    ['Ingestion / insert-commit ceiling', `${(ratio * 100).toFixed(0)}%`, '>= 25%', verdict(ratio >= 0.25)],
    ['Ingestion / bare express ceiling', `${((i.max.rate / i.bareMax) * 100).toFixed(0)}%`, '', ''],
    ['CPU per webhook at the max (ms)', cpuText(i.max.cpu, ['service', 'postgres', 'load'], db), '', ''],
    ['Database round trips per webhook', (i.max.cpu['roundTrips'] ?? 0).toFixed(2), '', ''],
  ];
  for (const o of i.open) {
    const failed = o.failed ? `, ${o.failed} failed` : '';
    const target = o.label === '1000/s' ? 'p99 < 25 ms' : '';
    out.push([
      `Ack latency at ${n0(o.target)}/s (${o.label}), open loop`,
      `${lat(o.latency)}${failed}${steal(o.stealPct)}`,
      target,
      target ? verdict(o.latency.p99 < 25 && o.failed === 0) : '',
    ]);
  }
  return out;
}

const lagOk = (l: LagResult) => verdict(l.lagMs.p99 < 1000 && l.sent === l.steps);
/** Unsent steps count as lagging until the deadline: then the percentiles are lower bounds. */
const lagText = (l: LagResult) => `${l.sent < l.steps ? '>= ' : ''}${lat(l.lagMs)}${steal(l.stealPct)}`;
/** The hypervisor's share of the machine during a latency phase (steal.ts); older results have none. */
const steal = (pct: number | undefined) => (pct === undefined ? '' : `; CPU steal ${pct.toFixed(1)}%`);

function followupRows(r: BenchResults): Row[] {
  const out: Row[] = [];
  if (r.lag) {
    out.push(
      [
        `Follow-up lag at ${r.lag.rate} due steps/s (${r.lag.sent}/${r.lag.steps} sent in time)`,
        lagText(r.lag),
        'p99 < 1 s',
        lagOk(r.lag),
      ],
      ...(r.lag.warmup
        ? [
            [
              `  the ${n0(r.lag.warmup.steps)} steps due before it (warm-up; the worker had just started)`,
              lat(r.lag.warmup.lagMs),
              '',
              '',
            ] as Row,
          ]
        : []),
      ['GHL calls per step', r.lag.callsPerStep.toFixed(2), '', ''],
      ['Database round trips per step, claims included', (r.lag.roundTripsPerStep ?? 0).toFixed(2), '', ''],
    );
  }
  for (const t of r.throughput ?? []) {
    const label = `Steps/s, ${t.workers} worker process${t.workers > 1 ? 'es' : ''}, backlog of ${n0(t.steps)}`;
    const first = t.workers > 1 ? ' in the first' : '';
    const inside = `step ${ms(t.meanStepMs)} ms, ${t.meanInFlight.toFixed(1)} in flight, ${t.roundTripsPerStep.toFixed(1)} db round trips${first}`;
    out.push([label, `${n0(t.sustained)}/s sustained, ${n0(t.overall)}/s overall (${inside})`, '', '']);
    out.push([
      `  CPU per step, ${t.workers} worker${t.workers > 1 ? 's' : ''} (ms)`,
      cpuText(t.cpu, ['service', 'worker2', 'postgres', 'sandbox'], r.meta.db),
      '',
      '',
    ]);
  }
  if (r.throughput && r.meta.db === 'pglite')
    out.push(['Steps/s, 2 worker processes', 'n/a (PGlite is one process)', '', '']);
  return out;
}

function scaleRows(sc: ScaleResult): Row[] {
  const pending = n0(sc.pending);
  const ratio = sc.claimFull.claimMs.p50 / Math.max(0.001, sc.claimEmpty.claimMs.p50);
  return [
    ['Claim time, empty queue', lat(sc.claimEmpty.claimMs), '', ''],
    [
      `Claim time, ${pending} future jobs pending`,
      `${lat(sc.claimFull.claimMs)} (${ratio.toFixed(2)}x)`,
      '<= 2x empty (p50)',
      verdict(ratio <= 2),
    ],
    [
      `Follow-up lag at ${sc.lag.rate}/s with ${pending} pending (${sc.lag.sent}/${sc.lag.steps} sent in time)`,
      lagText(sc.lag),
      'p99 < 1 s',
      lagOk(sc.lag),
    ],
  ];
}

export function rows(r: BenchResults): Row[] {
  const out: Row[] = [
    ...(r.ingestion ? ingestionRows(r.ingestion, r.meta.db) : []),
    ...followupRows(r),
    ...(r.e2e ? e2eRows(r.e2e, r.meta.db) : []),
    ...(r.scale ? scaleRows(r.scale) : []),
  ];
  const peak = r.rssBeforeSize ?? r.rss['service'];
  const peakMb = peak?.hwmMb ?? peak?.sampledMaxMb ?? 0;
  const end = r.rss['service']?.hwmMb ?? 0;
  const after = end > peakMb + 1 ? `; ${n0(end)} MB once the size phase ran` : '';
  out.push([
    'Peak RSS of the service (VmHWM)',
    `${n0(peakMb)} MB (${n0(peak?.afterStartMb ?? 0)} MB idle after start${after})`,
    '< 300 MB',
    verdict(peakMb < 300),
  ]);
  const w2 = r.rss['worker2'];
  if (w2 && w2.sampledMaxMb > 0)
    out.push(['Peak RSS of the second worker process', `${n0(w2.hwmMb ?? w2.sampledMaxMb)} MB`, '', '']);
  const z = r.size;
  if (z) {
    out.push(
      [
        `Database size per 100,000 missed calls (${n0(z.calls)} measured)`,
        `${n0(z.per100kMb)} MB (${z.method}${z.leftover ? `; ${z.leftover} jobs still unprocessed` : ''})`,
        '',
        '',
      ],
      [
        'Missed calls processed end to end, worker running',
        `${n0(z.processedPerSecond)}/s (acks at ${n0(z.ingestRate)}/s: ${lat(z.ingest.latency)})`,
        '',
        '',
      ],
      ['  Database round trips per missed call, ack + processing', z.roundTripsPerCall.toFixed(1), '', ''],
      [
        '  CPU per missed call, ack + processing (ms)',
        cpuText(z.cpu, ['service', 'postgres', 'sandbox', 'load'], r.meta.db),
        '',
        '',
      ],
    );
  }
  return out;
}

export function formatTable(r: BenchResults): string {
  const all: Row[] = [['metric', 'measured', 'target', ''], ...rows(r)];
  const width = [0, 1, 2, 3].map((c) => Math.max(...all.map((row) => row[c]?.length ?? 0)));
  const line = (row: Row) =>
    row
      .map((cell, c) => cell.padEnd(width[c] ?? 0))
      .join(' | ')
      .trimEnd();
  const rule = width.map((w) => '-'.repeat(w)).join('-+-');
  const m = r.meta;
  const load = m.loadAverageAtStart.map((v) => v.toFixed(2)).join(' ');
  const head = `Ringback bench: ${m.db}${m.quick ? ' (quick)' : ''}, ${m.locations} locations, ${m.startedAt}, ${m.seconds.toFixed(0)} s, ${m.cpus} CPUs, load average at start ${load}`;
  const notes = m.notes.map((n) => `  * ${n}`);
  if (r.e2e) notes.push(...capacity(r.e2e.model, r.e2e, m.db).map((n) => `  * ${n}`));
  return [head, line(all[0]!), rule, ...all.slice(1).map(line), ...(notes.length ? ['notes:', ...notes] : [])].join(
    '\n',
  );
}
