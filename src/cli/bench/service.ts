/**
 * Ringback as the bench runs it: its own process (so its RSS means something), configured from the environment
 * the orchestrator builds, on the real system clock. The worker starts and stops on command, so ingestion can
 * be measured alone; the other commands give the orchestrator the service's own pool (PGlite is one process).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { systemClock } from '../../clock.js';
import { loadConfig } from '../../config.js';
import { createLogger } from '../../logger.js';
import { applyRetention } from '../../retention/retention.js';
import { startRuntime } from '../../runtime.js';
import type { ServiceApi } from './protocol.js';
import { serve } from './rpc.js';
import { commands as local } from './count-statements.js';
import { claimBench, databaseSize, insertCeiling, runSql } from './service-commands.js';
import type { ThreadedWorker } from '../../jobs/thread-host.js';
import { dumpProfile, profilePglite } from './sql-profile.js';
import { nextWindow } from './window-profile.js';

// BENCH_PROFILE_SQL=1 (PGlite): CPU per statement (sql-profile.ts); BENCH_PROFILE_WINDOWS: window-profile.ts.
const sqlProfile = process.env['BENCH_PROFILE_SQL'] === '1';
const windowDir = process.env['BENCH_PROFILE_WINDOWS'];
// The counter's own file, for the worker thread to import first (the .ts under tsx).
const counter = new URL(`./count-statements${extname(fileURLToPath(import.meta.url))}`, import.meta.url).href;

const config = loadConfig(process.env);
const logger = createLogger(config.logLevel);
const rt = await startRuntime({
  config,
  clock: systemClock,
  logger,
  listen: true,
  startWorker: false,
  digestCron: false,
  // The port is known only once listening; the OAuth redirect URI is built from the config.
  baseUrlFromListen: true,
  // As main.ts runs it (WORKER_THREAD=off keeps the worker on the main loop, to compare the two).
  workerThread: !config.workerThread
    ? undefined
    : {
        env: process.env,
        preload: counter,
        onLost(err) {
          logger.fatal({ err: err.message }, 'worker thread lost');
          process.exit(1);
        },
      },
});
const thread = rt.worker as Partial<ThreadedWorker>;

if (sqlProfile && rt.db.pglite) profilePglite(rt.db.pglite);

let stopping = false;
process.on('SIGTERM', () => {
  if (stopping) return;
  stopping = true;
  rt.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});

const loop = monitorEventLoopDelay({ resolution: 5 });
loop.enable();

serve<ServiceApi>(
  {
    sql: ({ text, values }) => runSql(rt.db.db, text, values ?? []),
    async worker({ run }) {
      if (run) rt.worker.start();
      else await rt.worker.stop();
      return null;
    },
    insertCeiling: (arg) => insertCeiling(rt.db.db, arg),
    claimBench: (arg) => claimBench(rt.db.db, arg),
    dbSize: () => databaseSize(rt.db),
    async retention({ aheadMs }) {
      // As many jobs as the runs to archive take (each archives a bounded number).
      while ((await applyRetention(rt.db.db, new Date(Date.now() + aheadMs), config.retention)).archiveLeft);
      return null;
    },
    roundTrips: async () => {
      if (sqlProfile) dumpProfile();
      if (windowDir) await nextWindow(windowDir);
      return local.roundTrips() + Number((await thread.call?.('roundTrips')) ?? 0);
    },
    async loopDelay() {
      const out = { p99: loop.percentile(99) / 1e6, max: loop.max / 1e6 };
      loop.reset();
      return out;
    },
  },
  { url: rt.url ?? '', kind: rt.db.kind, pid: String(process.pid) },
);
