import type { Server } from 'node:http';
import type { Express } from 'express';
import { type AppDeps, createApp } from './app.js';
import type { Clock } from './clock.js';
import type { Config } from './config.js';
import { createDb, type Db } from './db/create-db.js';
import { migrate } from './db/migrate.js';
import { buildJobRegistry } from './jobs/kinds.js';
import { createWorker, type Worker } from './jobs/worker.js';
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
  workerOptions?: { concurrency?: number; pollMs?: number; staleAfterMs?: number };
}

export interface Runtime {
  app: Express;
  db: Db;
  deps: AppDeps;
  worker: Worker;
  server: Server | null;
  url: string | null;
  close(): Promise<void>;
}

/** Everything one Ringback process runs, wired from an explicit config: main.ts, the demo and tests use it. */
export async function startRuntime(opts: RuntimeOptions): Promise<Runtime> {
  const { config, clock, logger } = opts;
  const db = await createDb({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    pgliteTemplate: opts.pgliteTemplate,
  });
  const applied = await migrate(db.db);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  const metrics = new Metrics();
  const deps: AppDeps = { config, db: db.db, clock, logger, metrics };
  const worker = createWorker({
    db: db.db,
    registry: buildJobRegistry(deps),
    clock,
    logger,
    metrics,
    concurrency: opts.workerOptions?.concurrency ?? (db.kind === 'pglite' ? 2 : 8),
    pollMs: opts.workerOptions?.pollMs,
    staleAfterMs: opts.workerOptions?.staleAfterMs,
  });
  deps.wakeWorker = config.role === 'web' ? undefined : () => worker.wake();
  const app = createApp(deps);

  let server: Server | null = null;
  let url: string | null = null;
  if (opts.listen && config.role !== 'worker') {
    server = await new Promise<Server>((resolve, reject) => {
      const s = app.listen(config.port, '0.0.0.0', (err?: Error) => (err ? reject(err) : resolve(s)));
    });
    const addr = server.address();
    url = typeof addr === 'object' && addr ? `http://127.0.0.1:${addr.port}` : null;
  }
  if (opts.startWorker && config.role !== 'web') worker.start();

  return {
    app,
    db,
    deps,
    worker,
    server,
    url,
    async close() {
      if (server) {
        const s = server;
        await new Promise<void>((resolve) => s.close(() => resolve()));
        s.closeAllConnections();
      }
      await worker.stop();
      await db.close();
    },
  };
}
