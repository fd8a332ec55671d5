import type { Lane, LaneName } from './lanes.js';
import type { ClaimedJob } from './tables.js';

/** What the process's main thread tells the worker thread (jobs/thread-host.ts, jobs/thread-entry.ts). */
export type ToThread =
  | { t: 'start' }
  | { t: 'wake' }
  /** A job the inbox write claimed for the thread's worker: it runs it (Worker.adopt). */
  | { t: 'job'; job: ClaimedJob }
  /** `metrics`, `stop`, `runOnce`, `drain`, `close`, or a command of the preload module. */
  | { t: 'call'; id: number; name: string };

/** What the worker thread tells the main thread. */
export type FromThread =
  | { t: 'ready'; workerId: string; lanes: readonly Lane[] }
  | { t: 'backlog'; lane: LaneName; backlog: boolean }
  /** A job handed over by the main thread is recorded: its slot there is free again. */
  | { t: 'done'; lane: LaneName }
  | { t: 'reply'; id: number; ok: true; value: unknown }
  | { t: 'reply'; id: number; ok: false; error: string };

/** What the thread is started with. */
export interface ThreadData {
  /** The environment main.ts read (the only file that reads process.env): the thread's config is loaded from it. */
  env: Record<string, string | undefined>;
  /** A module the thread imports first; its `commands` answer calls by name (the bench counts statements). */
  preload?: string;
  startWorker: boolean;
  digestCron: boolean;
}
