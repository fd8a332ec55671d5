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

// An operational knob outside the settings contract: how long a job may stay 'running' before another worker
// presumes its process dead and takes it back (default 5 min). It must exceed the longest job (GHL calls are
// bounded at about 13 s); the kill -9 tests shorten it so recovery fits in a test run.
const staleRaw = process.env.JOB_STALE_AFTER_MS;
const staleAfterMs = staleRaw === undefined || staleRaw === '' ? undefined : Number(staleRaw);
if (staleAfterMs !== undefined && !(Number.isInteger(staleAfterMs) && staleAfterMs >= 1000)) {
  process.stderr.write('config: JOB_STALE_AFTER_MS: must be a whole number of milliseconds, at least 1000\n');
  process.exit(1);
}

const logger = createLogger(config.logLevel);
try {
  const rt = await startRuntime({
    config,
    clock: systemClock,
    logger,
    listen: true,
    startWorker: true,
    workerOptions: { staleAfterMs },
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
