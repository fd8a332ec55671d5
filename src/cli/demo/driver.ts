import type { Db } from '../../db/create-db.js';
import type { DemoClock } from './clock.js';
import { nyDayTime, type Output } from './output.js';
import type { Action, ScenarioContext } from './scenario.js';
import type { LineKind, Timeline, TimelineLine } from './timeline.js';

export interface PlayOptions {
  db: Db['db'];
  clock: DemoClock;
  out: Output;
  timeline: Timeline;
  actions: Action[];
  ctx: ScenarioContext;
  start: Date;
  end: Date;
  speed: number;
  tickDigest(): Promise<void>;
  wakeWorker(): void;
  signal: AbortSignal;
}

const TAGS: Record<LineKind, string> = { phone: 'phone', clock: 'clock', ghl: 'GHL  ', note: 'note ', warn: 'warn ' };

export function printLine(out: Output, line: TimelineLine): void {
  const paint = { phone: out.c.cyan, clock: out.c.magenta, ghl: out.c.green, note: out.c.yellow, warn: out.c.red }[
    line.kind
  ];
  const text = line.kind === 'phone' || line.kind === 'clock' ? out.c.bold(line.text) : line.text;
  out.line(`${out.c.dim(nyDayTime(line.at))}  ${paint(TAGS[line.kind])}  ${text}`);
}

/**
 * The earliest due time of work not done yet (pending or running jobs, steps still in a run's plan, which the
 * worker makes into jobs when it gets there: src/followup/plan-feed.ts), or null when there is none.
 */
async function nextJobAt(db: Db['db']): Promise<number | null> {
  const [job, plan] = await Promise.all([
    db
      .selectFrom('jobs')
      .select((eb) => eb.fn.min('run_at').as('at'))
      .where('state', 'in', ['pending', 'running'])
      .executeTakeFirst(),
    db
      .selectFrom('runs')
      .select((eb) => eb.fn.min('plan_due_at').as('at'))
      .where('plan_due_at', 'is not', null)
      .executeTakeFirst(),
  ]);
  const times = [job?.at, plan?.at].filter((t) => t != null).map((t) => new Date(t as Date).getTime());
  return times.length ? Math.min(...times) : null;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
// Real time the clock may stand at one instant before the demo gives up waiting for that work.
const STUCK_MS = 15_000;

/**
 * Plays the scripted day: runs each action at its product time, and between them lets the clock run only up to
 * the next due job, so the worker does every step at its minute. Prints the timeline as it happens.
 */
export async function play(o: PlayOptions): Promise<void> {
  const queue = [...o.actions];
  const end = o.end.getTime();
  const span = end - o.start.getTime();
  let lastDigestTick = 0;
  let stuck = { at: -1, since: Date.now() };
  const flush = async () => {
    for (const line of await o.timeline.collect()) printLine(o.out, line);
  };
  while (!o.signal.aborted) {
    const now = o.clock.now().getTime();
    const actionDue = queue[0] !== undefined && queue[0].at.getTime() <= now;
    // node-cron's minute tick, on the fast clock (held back while a scripted action waits its turn).
    if (!actionDue && Date.now() - lastDigestTick >= 100) {
      lastDigestTick = Date.now();
      await o.tickDigest();
    }
    let due = await nextJobAt(o.db);
    // Work due at or before an action's time is done first, then the action, then what it caused.
    while (queue[0] && queue[0].at.getTime() <= now && (due === null || due > now)) {
      const action = queue.shift()!;
      await flush();
      printLine(o.out, { at: action.at, kind: action.kind, text: action.describe(o.ctx) });
      await action.run(o.ctx);
      due = await nextJobAt(o.db);
    }
    await flush();
    o.out.progress((now - o.start.getTime()) / span, `${nyDayTime(new Date(now))}  ×${o.speed}`);
    if (now >= end && queue.length === 0 && (due === null || due > end)) return;
    let gate = Math.min(due ?? Number.POSITIVE_INFINITY, queue[0]?.at.getTime() ?? Number.POSITIVE_INFINITY, end);
    if (gate <= now) {
      o.wakeWorker();
      if (stuck.at !== now) stuck = { at: now, since: Date.now() };
      else if (Date.now() - stuck.since > STUCK_MS) {
        printLine(o.out, {
          at: new Date(now),
          kind: 'warn',
          text: 'work due now is still not done after 15 s; letting time move on',
        });
        gate = now + 60_000;
        stuck = { at: -1, since: Date.now() };
      }
    }
    o.clock.openUntil(gate);
    await sleep(gate <= now ? 4 : Math.min(50, Math.max(2, (gate - now) / o.speed)));
  }
}
