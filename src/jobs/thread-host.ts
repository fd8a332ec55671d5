/**
 * The worker in a thread of its own, for one process that both answers GHL and works the jobs (ROLE=all on
 * Postgres). In one event loop a webhook's acknowledgement waited behind the worker's GHL answers and
 * statements: bench e2e on one machine the same hour, ack p99 27.5 ms at 250 missed calls/s and 41.1 ms at
 * 500/s with one loop, 15.3 and 19.5 ms with the worker in a process of its own; with this thread, at 500/s,
 * p50 4-6 ms against 15-17 and p99 17-37 against 37-42, for 10-30% more CPU (README, Benchmark, round six).
 * The thread runs the runtime of ROLE=worker, with its own pools; this side stands in for its worker, so the
 * inbox write's hand-off (jobs/hand-off.ts) and the wake-ups cross by message, and /metrics shows both
 * threads' series.
 */
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker as Thread } from 'node:worker_threads';
import type { Metrics, MetricsSnapshot } from '../metrics.js';
import { withTimeout } from '../timeout.js';
import { type Lane, type LaneName, laneOf } from './lanes.js';
import type { FromThread, ThreadData, ToThread } from './thread-messages.js';
import type { HandOff } from './tables.js';
import type { Worker } from './worker.js';

export interface WorkerThreadOptions extends ThreadData {
  metrics: Metrics;
  /** The thread ended without being closed: jobs claimed for it wait for the stale-lock recovery. */
  onLost(err: Error): void;
}

export interface ThreadedWorker extends Worker {
  /** A command of the thread: `metrics`, or one of its preload module's. */
  call(name: string): Promise<unknown>;
  /** Stops the worker, closes the thread's runtime and waits for the thread to end. */
  close(): Promise<void>;
}

/**
 * The entry as this module was loaded: .js once built; under tsx (npm start, the bench, the tests' child
 * processes) the .ts, loaded through tsx's loader registered in the thread, which Node 20 does not carry over
 * from the main thread's `--import tsx`.
 */
function threadProgram(): [string | URL, { eval?: boolean }] {
  const ext = extname(fileURLToPath(import.meta.url));
  // The program is a root file (src/worker-thread.ts): it wires a runtime, which this floor may not import.
  const entry = new URL(`../worker-thread${ext}`, import.meta.url);
  if (ext !== '.ts') return [entry, {}];
  const api = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return [
    `import(${api}).then((t) => { t.register(); return import(${JSON.stringify(entry.href)}); });`,
    { eval: true },
  ];
}

export async function startWorkerThread(o: WorkerThreadOptions): Promise<ThreadedWorker> {
  const data: ThreadData = { env: o.env, preload: o.preload, startWorker: o.startWorker, digestCron: o.digestCron };
  const [program, how] = threadProgram();
  const thread = new Thread(program, { ...how, workerData: data });
  const replies = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
  const handed = new Map<LaneName, number>();
  const backlog = new Set<LaneName>();
  let nextId = 1;
  let running = o.startWorker;
  let closing = false;
  let ended = false;
  let workerId = '';
  // Jobs this side may hand the thread at once, per lane: as many as the lane has slots there. The thread's own
  // claims count them, so a lane holds at most twice its slots for a moment.
  let lanes: readonly Lane[] = [];

  const post = (m: ToThread) => thread.postMessage(m);
  const call = (name: string) =>
    new Promise<unknown>((resolve, reject) => {
      if (ended) return reject(new Error('the worker thread has ended'));
      const id = nextId++;
      replies.set(id, { resolve, reject });
      post({ t: 'call', id, name });
    });
  const lost = (err: Error) => {
    if (ended) return;
    ended = true;
    for (const r of replies.values()) r.reject(err);
    replies.clear();
    // Before it was ready, the start-up's own rejection tells.
    if (workerId !== '' && !closing) o.onLost(err);
  };

  const ready = new Promise<void>((resolve, reject) => {
    thread.on('message', (m: FromThread) => {
      if (m.t === 'ready') {
        workerId = m.workerId;
        lanes = m.lanes;
        resolve();
      } else if (m.t === 'backlog') {
        if (m.backlog) backlog.add(m.lane);
        else backlog.delete(m.lane);
      } else if (m.t === 'done') handed.set(m.lane, (handed.get(m.lane) ?? 1) - 1);
      else {
        const r = replies.get(m.id);
        replies.delete(m.id);
        if (m.ok) r?.resolve(m.value);
        else r?.reject(new Error(m.error));
      }
    });
    thread.on('error', (err) => {
      reject(err);
      lost(err);
    });
    thread.on('exit', (code) => {
      const err = new Error(`the worker thread ended (exit code ${code})`);
      reject(err);
      lost(err);
    });
  });
  await ready;
  // A thread too busy to answer within 2 s is left out of that scrape rather than holding it.
  o.metrics.addSource(() => withTimeout(call('metrics') as Promise<MetricsSnapshot>, 2000));
  o.metrics.set('ringback_worker_thread', 'Present, at 1, when the worker runs in a thread of its own', {}, 1);

  function reserve(lane: LaneName): HandOff | null {
    const n = handed.get(lane) ?? 0;
    const slots = lanes.find((l) => l.name === lane)?.concurrency ?? 0;
    if (!running || backlog.has(lane) || n >= slots) return null;
    handed.set(lane, n + 1);
    let used = false;
    const settle = () => {
      if (used) throw new Error('a hand-off slot was used twice');
      used = true;
    };
    return {
      workerId,
      take(job) {
        settle();
        if (laneOf(job.kind) !== lane) throw new Error(`a ${job.kind} job handed off in the ${lane} lane`);
        o.metrics.inc('ringback_jobs_handed_off_total', 'Jobs claimed by the statement that made them (hand-off)', {
          kind: job.kind,
        });
        post({ t: 'job', job });
      },
      release() {
        settle();
        handed.set(lane, (handed.get(lane) ?? 1) - 1);
      },
    };
  }

  return {
    get id() {
      return workerId;
    },
    get lanes() {
      return lanes;
    },
    runOnce: () => call('runOnce') as Promise<number>,
    drain: () => call('drain') as Promise<number>,
    start() {
      running = true;
      post({ t: 'start' });
    },
    async stop() {
      running = false;
      await call('stop');
    },
    wake() {
      post({ t: 'wake' });
    },
    reserve,
    adopt() {
      return Promise.reject(new Error('jobs are adopted by the worker thread itself'));
    },
    call,
    async close() {
      running = false;
      closing = true;
      const ended = new Promise<void>((resolve) => thread.once('exit', () => resolve()));
      await call('close');
      await ended;
    },
  };
}
