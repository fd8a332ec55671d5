/**
 * The worker thread's program (jobs/thread-host.ts starts it for a ROLE=all process on Postgres): the runtime of
 * ROLE=worker, configured from the environment main.ts read, answering the main thread's messages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import pino from 'pino';
import { systemClock } from './clock.js';
import { loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { startRuntime } from './runtime.js';
import { laneOf } from './jobs/lanes.js';
import type { FromThread, ThreadData, ToThread } from './jobs/thread-messages.js';

const port = parentPort;
if (!port) throw new Error('worker-thread.ts runs in a worker thread (jobs/thread-host.ts)');
const data = workerData as ThreadData;
const send = (m: FromThread) => port.postMessage(m);

const commands: Record<string, () => unknown> = data.preload
  ? (((await import(data.preload)) as { commands?: Record<string, () => unknown> }).commands ?? {})
  : {};
const config = { ...loadConfig(data.env), role: 'worker' as const };
// Straight to the process's stdout (fd 1), as the main thread's logger writes, not through the thread's stream.
const logger = createLogger(config.logLevel, pino.destination(1)).child({ thread: 'worker' });
const rt = await startRuntime({
  config,
  clock: systemClock,
  logger,
  startWorker: data.startWorker,
  digestCron: data.digestCron,
  workerOptions: { onBacklog: (lane, backlog) => send({ t: 'backlog', lane, backlog }) },
});

const calls: Record<string, () => unknown> = {
  ...commands,
  metrics: () => rt.deps.metrics.snapshot(),
  stop: () => rt.worker.stop().then(() => null),
  runOnce: () => rt.worker.runOnce(),
  drain: () => rt.worker.drain(),
  close: async () => {
    await rt.close();
    // Nothing else keeps the thread alive once its port is closed: it ends, and the host sees it exit.
    setImmediate(() => port.close());
    return null;
  },
};

port.on('message', (m: ToThread) => {
  if (m.t === 'start') rt.worker.start();
  else if (m.t === 'wake') rt.worker.wake();
  else if (m.t === 'job') {
    const lane = laneOf(m.job.kind);
    rt.worker.adopt(m.job).finally(() => send({ t: 'done', lane }));
  } else {
    const fn = calls[m.name];
    Promise.resolve()
      .then(() => {
        if (!fn) throw new Error(`no command ${m.name} in the worker thread`);
        return fn();
      })
      .then(
        (value) => send({ t: 'reply', id: m.id, ok: true, value }),
        (err: unknown) =>
          send({ t: 'reply', id: m.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
      );
  }
});
send({ t: 'ready', workerId: rt.worker.id, lanes: rt.worker.lanes });
