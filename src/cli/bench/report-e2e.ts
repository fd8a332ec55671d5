/** The end-to-end rows: per rate against the issue's targets, the costs per missed call, and the traffic model. */
import type { E2eRate, E2eResult } from './phase-e2e.js';
import { cpuText, lat, n0, type Row, verdict } from './report-cells.js';
import { peakRates, type TrafficModel } from './traffic-model.js';

export function e2eRows(e: E2eResult, db: 'postgres' | 'pglite'): Row[] {
  const target = db === 'pglite' ? 200 : 500;
  const out: Row[] = [
    ['End to end: ceiling, bare HTTP (same run)', `${n0(e.ceilings.bareHttp)}/s`, '', ''],
    [
      `End to end: ceiling, single-row inserts (${e.ceilings.insertConnections} conn)`,
      `${n0(e.ceilings.inserts)}/s`,
      '',
      '',
    ],
  ];
  for (const r of e.rates) {
    const unsent = r.sent < r.lagMs.n ? `>= ` : '';
    out.push(
      [
        `Missed calls at ${n0(r.rate)}/s end to end: ack`,
        `${lat(r.ack.latency)}, ${r.every2xx ? 'every webhook 2xx' : `${r.ack.failed} of ${r.ack.sent} not 2xx`}; CPU steal ${r.stealPct.toFixed(1)}%; loop delay p99 service ${r.loopDelayMs.service.toFixed(0)} / load ${r.loopDelayMs.load.toFixed(0)} ms`,
        'p99 < 25 ms, all 2xx',
        verdict(r.ack.latency.p99 < 25 && r.every2xx),
      ],
      [
        `  first SMS lag behind due (${r.sent}/${r.lagMs.n} sent)`,
        `${unsent}${lat(r.lagMs)}`,
        'p99 < 1 s',
        verdict(r.lagMs.p99 < 1000 && r.sent === r.lagMs.n),
      ],
      [
        '  db round trips per missed call, first SMS included',
        r.roundTripsPerCall.toFixed(1),
        '<= 6',
        verdict(r.roundTripsPerCall <= 6),
      ],
      [
        '  CPU per missed call, first SMS included (ms)',
        cpuText(r.cpu, ['service', 'postgres', 'sandbox', 'load'], db),
        '<= 3 ms service + Postgres',
        verdict((r.cpu['service'] ?? 0) + (r.cpu['postgres'] ?? 0) <= 3),
      ],
    );
  }
  const best = Math.max(
    0,
    ...e.rates.filter((r) => r.every2xx && r.ack.latency.p99 < 25 && r.lagMs.p99 < 1000).map((r) => r.rate),
  );
  out.push(
    ['Missed calls/s end to end with every target held', `${n0(best)}/s`, `>= ${target}/s`, verdict(best >= target)],
    [
      'Database per missed call after retention, its sequence ended',
      `${n0(e.finishedBytesPerCall)} B (${e.sizeMethod}${e.unfinishedRuns ? `; ${e.unfinishedRuns} runs still active` : ''})`,
      '<= 1.5 KB',
      verdict(e.finishedBytesPerCall <= 1536 && e.unfinishedRuns === 0),
    ],
    ['  by table, with its indexes', byTable(e.finishedBytesPerCallByTable), '', ''],
    [
      '  the same with its later steps still to come (retention applied to runs mid-sequence)',
      `${n0(e.bytesPerCall)} B: ${byTable(e.bytesPerCallByTable)}`,
      '<= 1.5 KB',
      verdict(e.bytesPerCall <= 1536),
    ],
    [
      'Texts and emails without an active run, absorbed (worker running)',
      // Beside the bare HTTP ceiling of the same run: the bench machine's speed varies twofold from day to day.
      `${n0(e.traffic.absorbedPerSecond)}/s, ${n0((100 * e.traffic.absorbedPerSecond) / Math.max(1, e.ceilings.bareHttp))}% of bare HTTP (acks ${n0(e.traffic.ackRate)}/s, ${e.traffic.failed} failed, ${e.traffic.roundTripsPerWebhook.toFixed(2)} db round trips each)`,
      '>= 5,000/s',
      verdict(e.traffic.absorbedPerSecond >= 5000 && e.traffic.failed === 0),
    ],
    ['  CPU per such webhook (ms)', cpuText(e.traffic.cpu, ['service', 'postgres', 'load'], db), '', ''],
  );
  return out;
}

const byTable = (rows: Array<[string, number]>) => rows.map(([t, b]) => `${t} ${n0(b)} B`).join(', ');

const held = (r: E2eRate) => r.every2xx && r.ack.latency.p99 < 25 && r.lagMs.p99 < 1000 && r.sent === r.lagMs.n;

/**
 * Sub-accounts served: the missed calls and the other webhooks of the peak hour share the machine, each taking
 * its share of what was measured alone (the highest missed-call rate that held every target, the texts and
 * emails absorbed per second): accounts = 1 / (missed/s / held rate + other/s / absorbed rate). The second
 * worker process and the second machine follow from CPU per missed call: a Node process uses one core at most,
 * and the two cores are shared by Ringback and Postgres.
 */
export function capacity(m: TrafficModel, e: E2eResult, db: 'postgres' | 'pglite'): string[] {
  const peak = peakRates(m);
  const best = e.rates.filter(held).reduce<E2eRate | null>((a, b) => (a && a.rate >= b.rate ? a : b), null);
  const out = [
    `traffic model per sub-account per day: ${m.missedCalls} missed calls, ${m.textsIn} texts in, ${m.textsOut} out, ${m.emailsIn} emails in, ${m.emailsOut} out, in ${m.businessHours} h with a peak hour ${m.peakFactor}x the mean (--traffic=key=value,...)`,
    `peak per sub-account: ${(peak.missed * 3600).toFixed(1)} missed calls/h and ${(peak.other * 3600).toFixed(0)} other webhooks/h`,
  ];
  if (!best) {
    out.push('sub-accounts served: none of the measured rates held every target');
  } else {
    const share = peak.missed / best.rate + peak.other / Math.max(1, e.traffic.absorbedPerSecond);
    out.push(
      `sub-accounts one machine serves, targets held: ${Math.floor(1 / share).toLocaleString('en-US')} (missed calls held at ${best.rate}/s, other webhooks absorbed at ${Math.round(e.traffic.absorbedPerSecond)}/s, measured)`,
    );
  }
  const top = e.rates[e.rates.length - 1];
  if (!top) return out;
  const svc = top.cpu['service'] ?? 0;
  const pg = top.cpu['postgres'] ?? 0;
  if (db === 'pglite') {
    out.push(
      `PGlite runs the database in the service's process: one core, ${Math.round(1000 / Math.max(0.01, svc))} missed calls/s at most from CPU; a second process or machine cannot share its database`,
    );
    return out;
  }
  const oneProcess = Math.min(1000 / Math.max(0.01, svc), 2000 / Math.max(0.01, svc + pg));
  const twoProcesses = 2000 / Math.max(0.01, svc + pg);
  const secondMachine = Math.min(4000 / Math.max(0.01, svc + pg), 2000 / Math.max(0.01, pg));
  out.push(
    `from CPU per missed call at ${top.rate}/s (service ${svc.toFixed(2)} ms, Postgres ${pg.toFixed(2)} ms): one process ${Math.round(oneProcess)}/s at most (min of 1 core / service, 2 cores / both); a second worker process on the same machine ${Math.round(twoProcesses)}/s (+${Math.round(twoProcesses - oneProcess)}/s: only the part one core held back); a second machine running Ringback on the first one's Postgres ${Math.round(secondMachine)}/s (min of 4 cores / both, 2 cores / Postgres alone)`,
  );
  return out;
}
