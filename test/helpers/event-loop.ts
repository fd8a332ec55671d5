import { Worker } from 'node:worker_threads';

export interface EventLoopWatch {
  /** The longest wait, in ms, between two firings of a timer set to fire every 5 ms. */
  longestGap(): number;
  stop(): Promise<void>;
}

// Runs on a thread of its own: a loop that never yields freezes every timer on the main thread, the test's
// timeout with them, and the run would hang instead of failing. Past `stallMs` without a beat it kills the test
// process, which vitest reports as a failed run.
const WATCHDOG = `
const { workerData } = require('node:worker_threads');
const { writeSync } = require('node:fs');
const beats = new Int32Array(workerData.beats);
let last = Atomics.load(beats, 0);
let since = Date.now();
setInterval(() => {
  const now = Atomics.load(beats, 0);
  if (now !== last) {
    last = now;
    since = Date.now();
  } else if (Date.now() - since > workerData.stallMs) {
    writeSync(2, 'event loop stalled for ' + workerData.stallMs + ' ms: ' + workerData.what + '\\n');
    process.kill(workerData.pid, 'SIGKILL');
  }
}, 100);
`;

/** Watches the main thread's event loop while `what` runs. */
export function watchEventLoop(what: string, stallMs = 15_000): EventLoopWatch {
  const beats = new SharedArrayBuffer(4);
  const counter = new Int32Array(beats);
  const watchdog = new Worker(WATCHDOG, { eval: true, workerData: { beats, stallMs, what, pid: process.pid } });
  let last = Date.now();
  let longest = 0;
  const ticker = setInterval(() => {
    Atomics.add(counter, 0, 1);
    longest = Math.max(longest, Date.now() - last);
    last = Date.now();
  }, 5);
  return {
    longestGap: () => longest,
    async stop() {
      clearInterval(ticker);
      await watchdog.terminate();
    },
  };
}
