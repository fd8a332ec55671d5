/**
 * `npm run bench [-- --quick] [--cpu-prof] [--echo] [--only=ingest,lag,tp,e2e,scale,size] [--traffic=missedCalls=5,...]`: Ringback driven as GHL drives
 * it, on PGlite, or on Postgres when DATABASE_URL is set (an empty database the caller creates and drops).
 * Prints a table and writes bench-results/<timestamp>-<db>.json. A benchmark, not a test: figures measured on a
 * shared machine are noisy (the load average at start is printed with them); CPU per unit varies much less.
 * Profiling: --cpu-prof writes the service's profile next to the logs (read it with
 * `npx tsx src/cli/bench/prof-summary.ts <file>`); BENCH_TRACE_SQL=1 logs every statement the service sends.
 * --echo: the sandbox posts each message Ringback sends back to it as an OutboundMessage webhook, as GHL does
 * (off by default, so the figures compare with earlier rounds; the e2e phase's costs per call then include it).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { installAll, settingsRows, UPSERT_SETTINGS } from './bench/fixture.js';
import { type BenchResults, formatTable } from './bench/report.js';
import { FULL, type Phase, PHASES, QUICK, runPhases } from './bench/run.js';
import { startStack } from './bench/stack.js';
import { parseTraffic } from './bench/traffic-model.js';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const onlyArg = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const only = new Set<Phase>(onlyArg ? PHASES.filter((p) => onlyArg.split(',').includes(p)) : PHASES);
const traffic = parseTraffic(argv.find((a) => a.startsWith('--traffic='))?.slice('--traffic='.length));
const databaseUrl = process.env['DATABASE_URL'] || undefined;
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const outDir = 'bench-results';
const logDir = join(outDir, `${stamp}-logs`);
mkdirSync(logDir, { recursive: true });
const dataDir = databaseUrl ? '' : mkdtempSync(join(tmpdir(), 'ringback-bench-'));
const started = Date.now();
const loadAtStart = loadavg();
const log = (m: string) => process.stdout.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)} s] ${m}\n`);

const base = quick ? QUICK : FULL;
const cpuProf = [
  ...(argv.includes('--cpu-prof') ? ['--cpu-prof', `--cpu-prof-dir=${logDir}`] : []),
  // BENCH_SERVICE_FLAGS: more node flags for the service alone (--trace-gc, --max-semi-space-size=…).
  ...(process.env['BENCH_SERVICE_FLAGS']?.split(' ').filter(Boolean) ?? []),
];
const echo = argv.includes('--echo');
const stack = await startStack({ databaseUrl, dataDir, logDir, serviceExecArgv: cpuProf, echo }, base.locations);
const pglite = stack.kind === 'pglite';
// PGlite inserts slowly (wasm, in the service's process): a smaller queue keeps the run within minutes.
const pending = pglite ? (quick ? 50_000 : 200_000) : quick ? 100_000 : 1_000_000;
// One PGlite process drains a backlog at a few dozen steps/s: smaller batches keep its run near the Postgres one.
const params = {
  ...base,
  pending,
  ...(pglite
    ? {
        tpSteps: Math.min(base.tpSteps, 1_500),
        sizeCalls: Math.min(base.sizeCalls, 500),
        e2eRates: quick ? [50, 100] : [50, 100, 200],
      }
    : {}),
};
// --e2e-rates=50,100: the end-to-end phase's rates instead of the defaults.
const e2eArg = argv.find((a) => a.startsWith('--e2e-rates='))?.slice('--e2e-rates='.length);
if (e2eArg)
  params.e2eRates = e2eArg
    .split(',')
    .map(Number)
    .filter((n) => n > 0);
const notes: string[] = [];
try {
  const existing = await stack.service.call('sql', { text: 'select count(*)::int as n from runs' });
  if (Number(existing[0]?.['n']) > 0) notes.push('the database was not empty at start: figures include what was there');
  log(`service up (${stack.kind}, pid ${stack.service.pid}); installing ${base.locations} locations through OAuth`);
  await installAll(stack.fixture, stack.url);
  await stack.service.call('sql', { text: UPSERT_SETTINGS, values: [JSON.stringify(settingsRows(stack.fixture))] });
  const measured = await runPhases(stack, params, only, log, traffic);

  if (pglite && only.has('scale'))
    notes.push(`PGlite: ${pending.toLocaleString('en-US')} pending jobs, not 1,000,000 (wasm insert speed)`);
  if (!pglite && quick && only.has('scale'))
    notes.push(`quick: ${pending.toLocaleString('en-US')} pending jobs, not 1,000,000`);
  notes.push(
    'ingestion: worker stopped (the web tier alone); webhooks signed with Ed25519 only (what Ringback checks first)',
  );
  notes.push(
    'lag and steps/s: runs seeded straight into the tables at the due rate; every step runs for real against the sandbox',
  );
  notes.push(
    echo
      ? "GHL's echo of each sent message (an OutboundMessage webhook) included in the end-to-end costs (--echo)"
      : "end to end: without GHL's echo of each sent message (an OutboundMessage webhook; --echo adds it)",
  );
  const results: BenchResults = {
    meta: {
      db: stack.kind,
      quick,
      phases: [...only],
      startedAt: new Date(started).toISOString(),
      seconds: (Date.now() - started) / 1000,
      locations: base.locations,
      node: process.version,
      cpus: cpus().length,
      loadAverageAtStart: loadAtStart,
      notes,
    },
    ...measured,
    rss: Object.fromEntries(['service', ...(pglite ? [] : ['worker2'])].map((n) => [n, stack.rss.peakMb(n)])),
  };
  const file = join(outDir, `${stamp}-${stack.kind}.json`);
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\n${formatTable(results)}\n\nJSON: ${file}\nlogs: ${logDir}\n`);
} finally {
  await stack.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
