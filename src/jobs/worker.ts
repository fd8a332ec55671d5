import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { createCompletions } from './completions.js';
import { PermanentJobError, RetryAtError } from './errors.js';
import {
  type ClaimedJob,
  claimedPayloads,
  claimJobs,
  claimLane,
  type Executor,
  failJob,
  recoverStaleJobs,
  rescheduleJob,
} from './queries.js';
import type { HandOff } from './hand-off.js';
import { type Lane, type LaneName, laneOf } from './lanes.js';
import { type JobRegistry, RECORDED } from './registry.js';

// Least time between claims made while no backlog is known (a job finished, the next job comes due): a steady
// stream is claimed a few jobs at a time. Bench at 200 due steps/s: 40 ms kept the claims of the earlier worker
// (about 24 a second, 3.15 round trips per step) with lag p99 77 ms; 20 ms gave p99 41-62 ms for 44 claims a second.
const REFILL_MS = 40;

export interface WorkerOptions {
  db: Executor;
  registry: JobRegistry;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
  workerId?: string;
  /** Jobs of the outbound lane in flight at once (lanes.ts); runOnce claims up to this many of both lanes. */
  concurrency?: number;
  /** Jobs of the intake lane (webhook processing) in flight at once, in slots of their own. */
  intakeConcurrency?: number;
  /** Real milliseconds between polls when idle. */
  pollMs?: number;
  /** Product-time age after which a running job is presumed orphaned by a dead worker. */
  staleAfterMs?: number;
  /**
   * Real milliseconds over which wake() calls gather into one claim per lane. Each stored webhook and each
   * missed call wakes the worker: at hundreds a second, claiming for each was most of the claims made.
   */
  wakeGatherMs?: number;
  /**
   * Work the worker does itself before it claims, at most every `everyMs` of product time (a run's planned steps
   * made into jobs ahead of their time: src/followup/plan-feed.ts), so that a fake clock drives it as it drives
   * the jobs.
   */
  periodic?: PeriodicWork[];
  /** Told when a lane's backlog begins or ends (hand-offs wait for a backlog): the thread host mirrors it. */
  onBacklog?: (lane: LaneName, backlog: boolean) => void;
}

export interface PeriodicWork {
  name: string;
  everyMs: number;
  run(now: Date): Promise<unknown>;
}

export interface Worker {
  readonly id: string;
  /** Each lane and its slots. */
  readonly lanes: readonly Lane[];
  /** Claims and runs one round of due jobs; returns how many ran. Tests drive the engine with this. */
  runOnce(): Promise<number>;
  /** Runs rounds until nothing is due at the clock's current time. */
  drain(maxRounds?: number): Promise<number>;
  start(): void;
  /** Stops polling and waits for the jobs in hand to finish. */
  stop(): Promise<void>;
  wake(): void;
  /** A slot of the lane kept for a job a statement will claim for this worker (hand-off.ts); null: none free. */
  reserve(lane: LaneName): HandOff | null;
  /**
   * Runs a job another thread of this process claimed for this worker (jobs/thread-host.ts) in its lane, over
   * the lane's slots if need be: it is claimed, so it must run. Resolves when it is recorded.
   */
  adopt(job: ClaimedJob): Promise<void>;
}

/** A lane's jobs in flight in this worker, and the slots kept for hand-offs. */
interface LaneSlots {
  lane: Lane;
  inFlight: Set<Promise<void>>;
  reserved: number;
  /** The last claim filled every slot: more may be due. */
  backlog: boolean;
  lastClaim: number;
}

export function createWorker(opts: WorkerOptions): Worker {
  const id = opts.workerId ?? `w-${randomUUID().slice(0, 8)}`;
  const concurrency = opts.concurrency ?? 4;
  const lanes: Lane[] = [
    { name: 'intake', concurrency: opts.intakeConcurrency ?? Math.max(1, Math.ceil(concurrency / 3)) },
    { name: 'outbound', concurrency },
  ];
  const pollMs = opts.pollMs ?? 200;
  const wakeGatherMs = opts.wakeGatherMs ?? 5;
  let wakeTimer: NodeJS.Timeout | null = null;
  const staleAfterMs = opts.staleAfterMs ?? 5 * 60_000;
  const log = opts.logger.child({ worker: id });
  let running = false;
  let loop: Promise<unknown> | null = null;
  const wakeUps = new Set<() => void>();
  const wakeLane = new Map<string, () => void>();
  let lastRecovery = 0;
  const complete = createCompletions(opts.db, id);
  // The kinds whose claim returns more than their payload (JobDefinition.claimPayload): the registry is fixed.
  const payloadKinds = [...opts.registry.values()].filter((d) => d.claimPayload);

  async function runJob(job: ClaimedJob): Promise<void> {
    const def = opts.registry.get(job.kind);
    const now = () => opts.clock.now();
    const started = Date.now();
    try {
      if (!def) throw new PermanentJobError(`no handler for job kind ${job.kind}`);
      const parsed = def.schema.safeParse(job.payload);
      if (!parsed.success) throw new PermanentJobError(`bad payload: ${parsed.error.message}`);
      const result = await def.handle(parsed.data, {
        id: job.id,
        kind: job.kind,
        attempts: job.attempts,
        maxAttempts: job.max_attempts,
        locationId: job.location_id,
        workerId: id,
      });
      if (result !== RECORDED) await complete(job.id, now());
      opts.metrics?.inc('ringback_jobs_total', 'Jobs run by outcome', { kind: job.kind, outcome: 'done' });
      opts.metrics?.set(
        'ringback_job_lag_seconds',
        'Last job start minus its due time (product time)',
        { kind: job.kind },
        Math.max(0, (now().getTime() - new Date(job.run_at).getTime()) / 1000),
      );
    } catch (err) {
      const at = now();
      if (err instanceof RetryAtError) {
        await rescheduleJob(opts.db, job.id, id, err.at, err.message, at);
        opts.metrics?.inc('ringback_jobs_total', 'Jobs run by outcome', { kind: job.kind, outcome: 'rescheduled' });
        return;
      }
      const message = err instanceof Error ? err.message : String(err);
      const state = await failJob(opts.db, job.id, id, message, at, {
        permanent: err instanceof PermanentJobError,
        maxAttempts: def?.maxAttempts,
      });
      opts.metrics?.inc('ringback_jobs_total', 'Jobs run by outcome', {
        kind: job.kind,
        outcome: state ?? 'lost-lock',
      });
      log.warn({ job: job.id, kind: job.kind, attempts: job.attempts, state, err: message }, 'job failed');
      if (state === 'dead' && def?.onDead) {
        const parsed = def.schema.safeParse(job.payload);
        if (parsed.success)
          await def.onDead(parsed.data, message).catch((e) => log.error({ err: String(e) }, 'onDead failed'));
      }
    } finally {
      opts.metrics?.inc(
        'ringback_job_seconds_total',
        'Wall time spent in jobs',
        { kind: job.kind },
        (Date.now() - started) / 1000,
      );
    }
  }

  async function recoverIfDue(): Promise<void> {
    const nowMs = opts.clock.now().getTime();
    if (nowMs - lastRecovery < Math.min(staleAfterMs / 2, 30_000)) return;
    lastRecovery = nowMs;
    const n = await recoverStaleJobs(opts.db, new Date(nowMs - staleAfterMs), new Date(nowMs));
    if (n > 0) log.warn({ recovered: n }, 'recovered jobs of a stopped worker');
  }

  const periodicLast = new Map<string, number>();
  async function periodicIfDue(): Promise<void> {
    for (const work of opts.periodic ?? []) {
      const nowMs = opts.clock.now().getTime();
      const last = periodicLast.get(work.name);
      if (last !== undefined && nowMs - last < work.everyMs) continue;
      periodicLast.set(work.name, nowMs);
      try {
        await work.run(new Date(nowMs));
      } catch (err) {
        // Not done this time: the next round does it again.
        periodicLast.delete(work.name);
        log.error({ work: work.name, err: err instanceof Error ? err.message : String(err) }, 'periodic work failed');
      }
    }
  }

  async function runOnce(): Promise<number> {
    await recoverIfDue();
    await periodicIfDue();
    const now = opts.clock.now();
    const jobs = await claimJobs(opts.db, {
      workerId: id,
      now,
      limit: concurrency,
      payload: claimedPayloads(payloadKinds, now),
    });
    await Promise.all(jobs.map(runJob));
    return jobs.length;
  }

  async function drain(maxRounds = 10_000): Promise<number> {
    let total = 0;
    for (let i = 0; i < maxRounds; i++) {
      const n = await runOnce();
      total += n;
      if (n === 0) return total;
    }
    throw new Error(`drain did not settle after ${maxRounds} rounds`);
  }

  /** Until `ms` passed or the lane is woken: by wake() (new work, any lane) or a job of its own finishing. */
  function sleep(lane: Lane, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, ms);
      function done() {
        clearTimeout(t);
        wakeUps.delete(done);
        wakeLane.delete(lane.name);
        resolve();
      }
      wakeUps.add(done);
      wakeLane.set(lane.name, done);
    });
  }
  const wakeAll = () => {
    if (wakeTimer) clearTimeout(wakeTimer);
    wakeTimer = null;
    for (const w of [...wakeUps]) w();
  };
  const gatherWake = () => {
    if (wakeGatherMs <= 0) return wakeAll();
    wakeTimer ??= setTimeout(wakeAll, wakeGatherMs);
  };

  /**
   * Keeps up to the lane's concurrency of its jobs in flight and claims for a slot as soon as one frees. Rounds
   * that wait for all their jobs (runOnce) let one GHL call hanging to its 10 s timeout hold up every webhook and
   * step behind it (test/reliability/ghl-outage.test.ts); each lane polls on its own, so a lane whose slots all
   * wait on GHL leaves the other's free (test/jobs/lanes.test.ts).
   */
  const slots = new Map<LaneName, LaneSlots>(
    lanes.map((lane) => [lane.name, { lane, inFlight: new Set(), reserved: 0, backlog: false, lastClaim: 0 }]),
  );

  /** Runs a job claimed for this worker in a slot of its lane, and claims again when the slot frees. */
  function launch(st: LaneSlots, job: ClaimedJob): Promise<void> {
    const { lane } = st;
    const refill = Math.max(1, Math.floor(lane.concurrency / 4));
    const p: Promise<void> = runJob(job)
      .catch((err) =>
        log.error({ job: job.id, err: err instanceof Error ? err.message : String(err) }, 'job not recorded'),
      )
      .finally(() => {
        st.inFlight.delete(p);
        // A slot freed: claim again at once when the last claim filled every slot (more may be due), for a
        // quarter of the lane's slots at a time rather than one by one; otherwise at most every REFILL_MS, as
        // jobs come due between polls. New work also arrives by wake().
        const free = lane.concurrency - st.inFlight.size - st.reserved;
        if (st.backlog ? free >= refill : Date.now() - st.lastClaim >= REFILL_MS) wakeLane.get(lane.name)?.();
      });
    st.inFlight.add(p);
    return p;
  }

  /**
   * No slot is kept while the lane's last claim filled every slot: jobs already due wait, and a hand-off would
   * jump the queue (a steady stream of them could keep a backlog waiting for the quarter of free slots its lane
   * claims again at). A slot kept while a claim is in flight may leave the lane one job over its slots until one
   * finishes: the claim counted the slot as free when it started.
   */
  function reserve(name: LaneName): HandOff | null {
    const st = slots.get(name);
    if (!running || !st || st.backlog) return null;
    if (st.inFlight.size + st.reserved >= st.lane.concurrency) return null;
    st.reserved += 1;
    let used = false;
    const settle = () => {
      if (used) throw new Error('a hand-off slot was used twice');
      used = true;
      st.reserved -= 1;
    };
    return {
      workerId: id,
      take(job) {
        settle();
        opts.metrics?.inc('ringback_jobs_handed_off_total', 'Jobs claimed by the statement that made them (hand-off)', {
          kind: job.kind,
        });
        launch(st, job);
      },
      release: settle,
    };
  }

  async function poll(lane: Lane): Promise<void> {
    const st = slots.get(lane.name);
    if (!st) throw new Error(`no slots for lane ${lane.name}`);
    const { inFlight } = st;
    while (running) {
      const free = lane.concurrency - inFlight.size - st.reserved;
      let claimed = 0;
      let waitMs = pollMs;
      if (free > 0) {
        try {
          await recoverIfDue();
          await periodicIfDue();
          const now = opts.clock.now();
          const { jobs, nextRunAt } = await claimLane(opts.db, {
            workerId: id,
            now,
            limit: free,
            lane: lane.name,
            payload: claimedPayloads(payloadKinds, now),
          });
          claimed = jobs.length;
          // Jobs stored ahead of time (a run's steps) wake nobody when they come due, and finishes wake the lane
          // only while its jobs keep running: once the last one finished inside REFILL_MS of a claim (or during
          // one), the steps due next waited for the poll (bench lag p50 125 ms at pollMs 200). Sleep until the
          // next is due instead, no sooner than REFILL_MS so that a steady stream is claimed a few at a time.
          if (nextRunAt) waitMs = Math.min(pollMs, Math.max(REFILL_MS, nextRunAt.getTime() - now.getTime()));
          if (st.backlog !== (claimed === free)) opts.onBacklog?.(lane.name, claimed === free);
          st.backlog = claimed === free;
          st.lastClaim = Date.now();
          for (const job of jobs) launch(st, job);
        } catch (err) {
          // The database is away (outage, restart): keep polling; readiness reports it.
          log.error({ err: err instanceof Error ? err.message : String(err) }, 'worker round failed');
        }
      }
      // Full, or nothing more due: wait for a slot to free, a wake(), or the next poll.
      // `free` below zero (more in flight than slots) must sleep too: a loop that never awaits stops the process.
      if (running && (free <= 0 || claimed < free)) await sleep(lane, waitMs);
    }
    await Promise.all(inFlight);
  }

  return {
    id,
    lanes,
    runOnce,
    drain,
    start() {
      if (running) return;
      running = true;
      loop = Promise.all(lanes.map(poll));
    },
    async stop() {
      running = false;
      wakeAll();
      await loop;
      loop = null;
      // A job handed off after its lane's loop ended (its statement was running at stop) is waited for too.
      for (;;) {
        const left = [...slots.values()].flatMap((st) => [...st.inFlight]);
        if (left.length === 0) break;
        await Promise.all(left);
      }
    },
    wake() {
      gatherWake();
    },
    reserve,
    adopt(job) {
      const st = slots.get(laneOf(job.kind));
      if (!st) throw new Error(`no slots for the lane of ${job.kind}`);
      return launch(st, job);
    },
  };
}
