// Speed: replaces one insert per webhook; Postgres CPU per webhook 0.49-0.53 -> 0.08-0.09 ms, 650-700 -> 1,770-2,050 webhooks/s (bench --quick on Postgres, figures in intake.ts).
import { withTimeout } from '../timeout.js';

/**
 * Group commit: items submitted while a write is in flight wait and go together in the next write, one
 * statement and one commit for all of them, sent as soon as a write slot frees. An idle writer sends at the end
 * of the current turn of the event loop (setImmediate), so a lone item waits for nothing, and the requests that
 * arrived together still go together: PGlite answers a write within the turn that sent it, so without that no
 * batch ever formed there. Under load the batch grows by itself with the queue.
 *
 * Each item settles with its own result, and only after the write that covered it: a caller never learns
 * "stored" for an item whose write did not succeed. When a batch of several fails, each item is written alone,
 * so one item the database refuses fails only its own caller (a lost database fails them all).
 */

export interface GroupCommitOptions<T> {
  /** Upper bound on one write: keeps a statement (and the wait behind it) bounded when a backlog builds. */
  maxBatch: number;
  /** With `sizeOf`: a write holds items up to this total size, or a single item however large. */
  maxBatchSize?: number;
  sizeOf?: (item: T) => number;
  /** Writes at once. One lets batches grow most; more overlap a commit's wait with the next batch. */
  maxInFlight: number;
  /**
   * A write that has not answered by then fails its items and gives up its slot, so one hung connection
   * cannot hold every later item behind it. Whether it committed is unknown: its callers must be told to try
   * again, and the write it may have made must be safe to repeat.
   */
  timeoutMs: number;
}

/** Writes items in one unit and returns one result per item, in the items' order. */
export type BatchWrite<T, R> = (items: readonly T[]) => Promise<readonly R[]>;

export class WriteTimeoutError extends Error {
  constructor(ms: number) {
    super(`the write did not answer within ${ms} ms`);
    this.name = 'WriteTimeoutError';
  }
}

interface Waiter<T, R> {
  item: T;
  resolve: (r: R) => void;
  reject: (err: unknown) => void;
}

export function groupCommit<T, R>(write: BatchWrite<T, R>, opts: GroupCommitOptions<T>): (item: T) => Promise<R> {
  let queue: Waiter<T, R>[] = [];
  let inFlight = 0;
  let scheduled = false;
  const writeOnce = (items: readonly T[]) => within(write(items), opts.timeoutMs, items.length);

  const take = (): Waiter<T, R>[] => {
    const n = batchLength(queue, opts);
    const batch = n === queue.length ? queue : queue.slice(0, n);
    queue = batch === queue ? [] : queue.slice(n);
    return batch;
  };

  const pump = () => {
    while (inFlight < opts.maxInFlight && queue.length > 0) {
      const batch = take();
      inFlight += 1;
      void settle(writeOnce, batch).then(() => {
        inFlight -= 1;
        pump();
      });
    }
  };

  const flush = () => {
    scheduled = false;
    pump();
  };

  return (item) =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!scheduled && inFlight < opts.maxInFlight) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}

/** How many items from the head of the queue the next write takes: at least one. */
function batchLength<T>(queue: readonly { item: T }[], opts: GroupCommitOptions<T>): number {
  const limit = Math.min(queue.length, opts.maxBatch);
  const { sizeOf, maxBatchSize } = opts;
  if (!sizeOf || maxBatchSize === undefined) return limit;
  let size = 0;
  for (let n = 0; n < limit; n++) {
    const next = queue[n];
    size += next ? sizeOf(next.item) : 0;
    if (n > 0 && size > maxBatchSize) return n;
  }
  return limit;
}

/** Never rejects: every outcome goes to the waiters. */
async function settle<T, R>(write: BatchWrite<T, R>, batch: Waiter<T, R>[]): Promise<void> {
  try {
    const results = await write(batch.map((w) => w.item));
    for (const [i, w] of batch.entries()) w.resolve(results[i] as R);
    return;
  } catch (err) {
    // A timed-out batch may still commit: writing its items again now would only wait behind it.
    if (batch.length === 1 || err instanceof WriteTimeoutError) {
      for (const w of batch) w.reject(err);
      return;
    }
  }
  await Promise.all(
    batch.map((w) =>
      write([w.item]).then(
        ([r]) => w.resolve(r as R),
        (err: unknown) => w.reject(err),
      ),
    ),
  );
}

async function within<R>(p: Promise<readonly R[]>, ms: number, expected: number): Promise<readonly R[]> {
  const results = await withTimeout(p, ms, () => new WriteTimeoutError(ms));
  if (results.length !== expected) throw new Error(`a batch write of ${expected} returned ${results.length} results`);
  return results;
}
