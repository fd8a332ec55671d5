import { createServer, type Server } from 'node:http';
import { type App, type AppDeps, createApp } from './app.js';
import { locationHooks } from './fan-out.js';
import type { Clock } from './clock.js';
import { type Config, withAppBaseUrl } from './config.js';
import { createDb, type Db } from './db/create-db.js';
import { migrate } from './db/migrate.js';
import { checkTokenKeys } from './ghl/token-keys.js';
import { retentionTick } from './retention/job.js';
import { createGhlAuth, createGhlClient } from './ghl/client.js';
import type { GhlClientOptions } from './ghl/http.js';
import { buildJobRegistry } from './job-kinds.js';
import { createUserDirectory } from './ghl/users.js';
import { recordScopeProblem } from './installations/problems.js';
import { sweepTick } from './followup/sweep-schedule.js';
import { feedPlans, PLAN_FEED_EVERY_MS } from './followup/plan-feed.js';
import { digestTick } from './reporting/digest.js';
import { type ScheduledTask, schedule } from 'node-cron';
import { startWorkerThread, type ThreadedWorker, type WorkerThreadOptions } from './jobs/thread-host.js';
import { createWorker, type Worker, type WorkerOptions } from './jobs/worker.js';
import type { Logger } from './logger.js';
import { Metrics } from './metrics.js';

export interface RuntimeOptions {
  config: Config;
  clock: Clock;
  logger: Logger;
  /** Listen on config.port (main, demo); tests use the app with supertest or listen on 0. */
  listen?: boolean;
  /** Start the worker's poll loop; tests drive `worker.drain()` instead. */
  startWorker?: boolean;
  pgliteTemplate?: Blob;
  workerOptions?: Pick<WorkerOptions, 'concurrency' | 'pollMs' | 'staleAfterMs' | 'onBacklog'>;
  /**
   * With ROLE=all on Postgres, the worker runs in a thread of its own (jobs/thread-host.ts), its config loaded from
   * `env`, the environment this config came from (main.ts, the bench). PGlite's database lives in the main thread
   * and cannot be shared, so there the worker stays on the main loop.
   */
  workerThread?: Pick<WorkerThreadOptions, 'env' | 'preload' | 'onLost'>;
  /** node-cron's minute tick of the daily digest (default on when the worker runs). */
  digestCron?: boolean;
  /** Timeouts, retries and rate budget of the GHL client (tests shorten them). */
  ghlOptions?: GhlClientOptions;
  /**
   * APP_BASE_URL is the address the runtime listens on: tests and the bench listen on port 0, so only the
   * runtime learns it, before it builds anything that reads the config.
   */
  baseUrlFromListen?: boolean;
}

export interface Runtime {
  app: App;
  db: Db;
  deps: AppDeps;
  worker: Worker;
  server: Server | null;
  url: string | null;
  /** One digest round now (node-cron does this every minute; the demo drives it on its fast clock). */
  tickDigest(): Promise<void>;
  /** Arms the lost-webhook sweep of every location that is due (node-cron does this every minute). */
  tickSweep(): Promise<number>;
  close(): Promise<void>;
}

/** Everything one Ringback process runs, wired from an explicit config: main.ts, the demo and tests use it. */
export async function startRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const { clock, logger } = opts;
  let config = opts.config;
  const metrics = new Metrics();
  const db = await createDb({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    pgliteTemplate: opts.pgliteTemplate,
  });
  try {
    const applied = await migrate(db.db);
    if (applied.length) logger.info({ applied }, 'migrations applied');
    await checkTokenKeys(db.db, config.tokenKeys);
  } catch (err) {
    await db.close();
    throw err;
  }
  let thread: ThreadedWorker | null = null;
  if (opts.workerThread && db.kind === 'postgres' && config.role === 'all') {
    try {
      thread = await startWorkerThread({
        ...opts.workerThread,
        startWorker: opts.startWorker ?? false,
        digestCron: opts.digestCron !== false,
        metrics,
      });
    } catch (err) {
      await db.close();
      throw err;
    }
  }
  // Listening comes before the app is built, so a runtime on port 0 knows its address in its config; nothing
  // is awaited between here and the app's creation, so no request finds it missing.
  let app: App = (_req, res) => {
    res.statusCode = 503;
    res.end();
  };
  let server: Server | null = null;
  let url: string | null = null;
  if (opts.listen && config.role !== 'worker') {
    try {
      server = await listenOn(config.port, (req, res) => app(req, res));
    } catch (err) {
      await db.close();
      throw err;
    }
    const addr = server.address();
    url = typeof addr === 'object' && addr ? `http://127.0.0.1:${addr.port}` : null;
    if (opts.baseUrlFromListen && url) config = withAppBaseUrl(config, url);
  }
  const ghlAuth = createGhlAuth({ db: db.db, config, clock, logger, options: opts.ghlOptions });
  const ghl = createGhlClient({
    db: db.db,
    config,
    clock,
    logger,
    metrics,
    auth: ghlAuth,
    options: opts.ghlOptions,
    // What the owner must fix in GHL, shown on the settings page (src/installations/problems.ts).
    onScopeRefused: (locationId, scope, call) => recordScopeProblem(db.db, locationId, scope, call, clock.now()),
  });
  const users = createUserDirectory(ghl, clock);
  const deps: AppDeps = {
    config,
    db: db.db,
    intakeDb: db.intake,
    verifyOffLoop: db.kind === 'postgres',
    clock,
    logger,
    metrics,
    ghl,
    ghlAuth,
    users,
    locationHooks,
  };
  const worker: Worker =
    thread ??
    createWorker({
      db: db.db,
      registry: buildJobRegistry(deps),
      clock,
      logger,
      metrics,
      // Speed: 48 jobs in flight per worker on Postgres, was 24 (24 was 8 before commit 08c9e57): at 500 missed
      // calls/s the outbound slots, each waiting on GHL, were full often enough that most attributions and first
      // texts were claimed instead of handed off. Bench e2e on a quiet machine, same conditions: at 500/s alone
      // CPU per call 3.35-3.49 -> 3.07-3.12 ms, lag p99 495-1048 -> 142-259 ms; the three rates, 500/s: 3.10-3.17
      // (four runs) -> 3.01 ms, round trips 5.3 -> 5.0.
      // Speed: 8 on PGlite, was 2: a job mostly waits for GHL, and with both slots busy the statements that hand
      // their new job to this worker (the inbox write, the missed call, the attribution) found no slot, so the
      // job was claimed later, about 0.5 ms of PGlite's time a claim. Bench e2e --quick at 100 missed calls/s,
      // interleaved runs on a loaded machine: db round trips per call 7.3-8.0 -> 5.7, service CPU per call
      // 7.96-10.11 -> 6.09-7.22 ms; at 200/s 7.8 -> 6.0 round trips, 8.29 -> 5.60 ms.
      concurrency: opts.workerOptions?.concurrency ?? (db.kind === 'pglite' ? 8 : 48),
      pollMs: opts.workerOptions?.pollMs,
      staleAfterMs: opts.workerOptions?.staleAfterMs ?? config.jobStaleAfterMs,
      periodic: [{ name: 'plan-feed', everyMs: PLAN_FEED_EVERY_MS, run: (now) => feedPlans(db.db, now) }],
      onBacklog: opts.workerOptions?.onBacklog,
    });
  deps.wakeWorker = config.role === 'web' ? undefined : () => worker.wake();
  deps.handOff = config.role === 'web' ? undefined : (lane) => worker.reserve(lane);
  app = createApp(deps);

  let cron: ScheduledTask | null = null;
  const tickDigest = () => digestTick(db.db, clock.now()).then(() => worker.wake());
  const tickSweep = async () => {
    const armed = await sweepTick(db.db, clock.now(), config.sweepIntervalMs);
    if (armed > 0) worker.wake();
    return armed;
  };
  // A worker thread starts itself and keeps the crons: they are the worker's.
  if (opts.startWorker && config.role !== 'web' && !thread) {
    worker.start();
    // Every instance ticks; the digests row makes each location's digest once a day across all of them.
    if (opts.digestCron !== false) {
      cron = schedule('* * * * *', () => {
        tickDigest().catch((err) => logger.error({ err: String(err) }, 'digest tick failed'));
        tickSweep().catch((err) => logger.error({ err: String(err) }, 'sweep tick failed'));
        // Retention is a durable job, one per slot across instances (src/retention/job.ts).
        retentionTick(db.db, clock.now())
          .then(() => worker.wake())
          .catch((err) => logger.error({ err: String(err) }, 'retention tick failed'));
      });
    }
  }

  return {
    app,
    db,
    deps,
    worker,
    server,
    url,
    tickDigest: () => tickDigest().then(() => undefined),
    tickSweep,
    async close() {
      await cron?.stop();
      if (server) {
        const s = server;
        await new Promise<void>((resolve) => s.close(() => resolve()));
        s.closeAllConnections();
      }
      await worker.stop();
      await thread?.close();
      await db.close();
    },
  };
}

function listenOn(port: number, listener: App): Promise<Server> {
  return new Promise<Server>((resolve, reject) => {
    const s = createServer(listener);
    s.once('error', reject);
    s.listen(port, '0.0.0.0', () => resolve(s));
  });
}
