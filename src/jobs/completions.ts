// Speed: replaces one completion statement per job with one per batch under load (commit 367b801); figure not recorded.
import type { Executor } from './queries.js';
import { completeJobs } from './queries.js';

interface Pending {
  id: number;
  now: Date;
  settle: (err?: unknown) => void;
}

/**
 * A worker's finished jobs, recorded in batches: a completion that arrives while another is being written waits
 * for it and goes out with the others that arrived meanwhile, in one statement. Idle, a completion is written at
 * once; under load a busy worker spends one round trip on many jobs instead of one each. A job's promise settles
 * when the statement that covers it has committed; if the process dies before, the job stays running and the
 * stale-lock recovery runs it again, which every handler already tolerates.
 */
export function createCompletions(db: Executor, workerId: string): (id: number, now: Date) => Promise<void> {
  let queue: Pending[] = [];
  let writing = false;

  async function writeAll(): Promise<void> {
    writing = true;
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      const latest = new Date(Math.max(...batch.map((p) => p.now.getTime())));
      try {
        await completeJobs(
          db,
          batch.map((p) => p.id),
          workerId,
          latest,
        );
        for (const p of batch) p.settle();
      } catch (err) {
        for (const p of batch) p.settle(err);
      }
    }
    writing = false;
  }

  return (id, now) =>
    new Promise<void>((resolve, reject) => {
      queue.push({ id, now, settle: (err) => (err === undefined ? resolve() : reject(err)) });
      if (!writing) void writeAll();
    });
}
