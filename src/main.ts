import { systemClock } from './clock.js';
import { ConfigError, loadConfig } from './config.js';
import { DataDirLockedError } from './db/data-dir-lock.js';
import { TokenKeyMismatchError } from './ghl/token-keys.js';
import { createLogger } from './logger.js';
import { startRuntime } from './runtime.js';

// The only file that reads process.env and owns the process.
let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (err instanceof ConfigError) {
    for (const p of err.problems) process.stderr.write(`config: ${p}\n`);
    process.exit(1);
  }
  throw err;
}

const logger = createLogger(config.logLevel);
try {
  const rt = await startRuntime({
    config,
    clock: systemClock,
    logger,
    listen: true,
    startWorker: true,
    // ROLE=all on Postgres: the worker in a thread of its own, so acknowledgements never wait behind it.
    workerThread: config.workerThread
      ? {
          env: process.env,
          onLost(err) {
            // Jobs claimed for it would wait for the stale-lock recovery: better a restart by the supervisor.
            logger.fatal({ err: err.message }, 'the worker thread ended: exiting');
            process.exit(1);
          },
        }
      : undefined,
  });
  logger.info({ url: rt.url, role: config.role, database: rt.db.kind }, 'ringback started');
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing the jobs in hand');
    const force = setTimeout(() => process.exit(1), 30_000);
    force.unref();
    await rt.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
} catch (err) {
  if (err instanceof DataDirLockedError || err instanceof TokenKeyMismatchError) {
    process.stderr.write(`ringback: ${err.message}\n`);
    process.exit(1);
  }
  logger.fatal({ err }, 'start-up failed');
  process.exit(1);
}
