/**
 * Follow-up lag: steps fall due at a fixed rate and every one runs for real (getContact, the REST check,
 * sendMessage...); lag is the sandbox's arrival time of the step's sendMessage minus the step's due_at.
 * Throughput: a backlog all due at once, drained by one worker process or two.
 */
import { CpuMeter } from './cpu.js';
import { addCallers } from './fixture.js';
import type { EventPlan } from './protocol.js';
import { FIRST_STEP_AFTER_MS, SEED_RUNS, seedRunsValues } from './seed-runs.js';
import { collectSends } from './sends.js';
import { BENCH_METRICS_TOKEN, type Stack } from './stack.js';
import { machineTicks, stealPercent } from './steal.js';
import { type Summary, summarize } from './stats.js';

export interface LagResult {
  rate: number;
  steps: number;
  sent: number;
  lagMs: Summary;
  /** The steps due during the warm-up, before the window: what a worker that just started does. */
  warmup: { steps: number; lagMs: Summary };
  /** The machine's CPU steal while the steps were due (steal.ts). */
  stealPct: number;
  /** GHL requests per step, every kind counted (getContact, search, messages, users, sendMessage). */
  callsPerStep: number;
  /** The same, per method and path (ids folded), with the status: where a step's GHL calls go. */
  callsByPath: Record<string, number>;
  states: Record<string, number>;
  /** Database statements (round trips) per step job over the warm-up and the window, claims included. */
  roundTripsPerStep: number;
}

export interface ThroughputResult {
  workers: number;
  steps: number;
  sent: number;
  /** Steps per second from the due time to the last send. */
  overall: number;
  /** Between the 10th and the 90th percentile send: the rate once the worker is at full speed. */
  sustained: number;
  states: Record<string, number>;
  /** From the first service's /metrics: mean wall time of a step job, and how many ran at once on average. */
  meanStepMs: number;
  meanInFlight: number;
  /** CPU ms per step sent, per process (service(s), sandbox, postgres backends). */
  cpu: Record<string, number>;
  /** Database statements (round trips) per step job, in the first service. */
  roundTripsPerStep: number;
}

/** A counter of the service's /metrics (Prometheus text), summed over the series matching `labels`. */
async function counter(s: Stack, name: string, labels: string): Promise<number> {
  const text = await (
    await fetch(`${s.url}/metrics`, { headers: { Authorization: `Bearer ${BENCH_METRICS_TOKEN}` } })
  ).text();
  let sum = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${name}{`) && line.includes(labels)) sum += Number(line.slice(line.lastIndexOf(' ') + 1)) || 0;
  }
  return sum;
}

let batches = 0;
const SEED_BATCH = 5_000;

async function seed(s: Stack, prefix: string, count: number, firstDueMs: number, stepMs: number): Promise<EventPlan> {
  const plan: EventPlan = {
    locations: s.fixture.locations,
    lines: s.fixture.lines,
    contactPrefix: prefix,
    dateAddedMs: firstDueMs - FIRST_STEP_AFTER_MS,
    dateStepMs: stepMs,
  };
  addCallers(s.fixture.sandbox, plan, count);
  for (let first = 0; first < count; first += SEED_BATCH) {
    const part = { ...plan, first, dateAddedMs: (plan.dateAddedMs ?? 0) + first * stepMs };
    await s.service.call('sql', { text: SEED_RUNS, values: seedRunsValues(part, Math.min(SEED_BATCH, count - first)) });
  }
  await s.service.call('sql', { text: 'analyze jobs' });
  return plan;
}

async function stepStates(s: Stack, prefix: string): Promise<Record<string, number>> {
  const rows = await s.service.call('sql', {
    text: `select state || coalesce(': ' || reason, '') as k, count(*)::int as n from run_steps
           where step_id = 'apology-sms' and contact_id like $1 group by 1`,
    values: [`${prefix}%`],
  });
  return Object.fromEntries(rows.map((r) => [String(r['k']), Number(r['n'])]));
}

/**
 * Steps of the batch still pending when its window closed are dropped (marked dead), so the next phase does not
 * inherit them; steps already running finish.
 */
async function cancelBacklog(s: Stack, prefix: string): Promise<void> {
  await s.service.call('sql', {
    text: `update jobs j set state = 'dead', finished_at = now(), last_error = 'bench: dropped after its window'
           from run_steps st where j.unique_key = 'step:' || st.id and st.contact_id like $1 and j.state = 'pending'
             and j.run_at <= now()`,
    values: [`${prefix}%`],
  });
}

export interface LagOptions {
  rate: number;
  durationMs: number;
  leadMs: number;
  /** How long after the last due time a step may still be sent; later ones count as lagging by at least this. */
  graceMs: number;
  /**
   * Steps fall due at the same rate for this long before the window, and their lag is reported apart. A worker
   * that has just started lagged up to 0.5-0.8 s over its first 3-5 s at 200 steps/s, and then no more than
   * about 0.1 s (bench, lag by due second): each location's first step also fetches its users, and V8 has not
   * compiled the step's code yet. That is a start, not the steady state the target is about.
   */
  warmupMs: number;
}

export async function measureLag(s: Stack, o: LagOptions): Promise<LagResult> {
  batches += 1;
  const prefix = `lag${batches}_`;
  const warm = Math.round((o.rate * o.warmupMs) / 1000);
  const count = Math.round((o.rate * o.durationMs) / 1000);
  const from = s.fixture.sandbox.requests.length;
  const firstDue = Date.now() + o.leadMs;
  await seed(s, prefix, warm + count, firstDue, 1000 / o.rate);
  if (Date.now() > firstDue) throw new Error('seeding took longer than the lead time: raise leadMs');
  const kind = 'kind="followup.step"';
  const jobsBefore = await counter(s, 'ringback_jobs_total', kind);
  const tripsBefore = await s.service.call('roundTrips', null);
  const windowStart = firstDue + o.warmupMs;
  const deadline = windowStart + o.durationMs + o.graceMs;
  const ticks = machineTicks();
  const sends = await collectSends(s, from, prefix, warm + count, deadline);
  const stealPct = stealPercent(ticks, machineTicks());
  const trips = (await s.service.call('roundTrips', null)) - tripsBefore;
  const jobs = (await counter(s, 'ringback_jobs_total', kind)) - jobsBefore;
  await cancelBacklog(s, prefix);
  const dues = await s.service.call('sql', {
    text: `select contact_id, (extract(epoch from due_at) * 1000)::float8 as due_ms from run_steps
           where step_id = 'apology-sms' and contact_id like $1`,
    values: [`${prefix}%`],
  });
  const sentAt = new Map(sends.map((r) => [(r.body as { contactId: string }).contactId, r.at.getTime()]));
  // A step not sent by the deadline lags by at least deadline - due: counted so, the percentiles are lower bounds.
  const lags = dues.map((r) => {
    const due = Number(r['due_ms']);
    const at = sentAt.get(String(r['contact_id']));
    return { inWindow: due >= windowStart - 500 / o.rate, sent: at !== undefined, lag: (at ?? deadline) - due };
  });
  const measured = lags.filter((l) => l.inWindow);
  const warmup = lags.filter((l) => !l.inWindow);
  const answered = s.fixture.sandbox.requests.slice(from).filter((r) => r.locationId !== undefined);
  const calls = answered.length;
  const byPath: Record<string, number> = {};
  for (const r of answered) {
    const k = `${r.method} ${r.path.replace(/\/[^/]*\d[^/]*/g, '/:id')} ${r.status}`;
    byPath[k] = (byPath[k] ?? 0) + 1;
  }
  const perStep = Math.max(1, sends.length);
  return {
    rate: o.rate,
    steps: measured.length,
    sent: measured.filter((l) => l.sent).length,
    lagMs: summarize(measured.map((l) => l.lag)),
    warmup: { steps: warmup.length, lagMs: summarize(warmup.map((l) => l.lag)) },
    stealPct,
    callsPerStep: calls / perStep,
    callsByPath: Object.fromEntries(Object.entries(byPath).map(([k, n]) => [k, Number((n / perStep).toFixed(3))])),
    states: await stepStates(s, prefix),
    roundTripsPerStep: jobs > 0 ? trips / jobs : 0,
  };
}

export interface ThroughputOptions {
  workers: number;
  leadMs: number;
  /** Steps due at once: more than the window can drain, so the worker never runs dry. */
  steps: number;
  windowMs: number;
}

export async function measureThroughput(s: Stack, o: ThroughputOptions): Promise<ThroughputResult> {
  batches += 1;
  const prefix = `tp${batches}_`;
  const from = s.fixture.sandbox.requests.length;
  const kind = 'kind="followup.step"';
  const jobsBefore = await counter(s, 'ringback_jobs_total', kind);
  const secondsBefore = await counter(s, 'ringback_job_seconds_total', kind);
  const due = Date.now() + o.leadMs;
  await seed(s, prefix, o.steps, due, 0);
  const tripsBefore = await s.service.call('roundTrips', null);
  const cpuBefore = s.cpu.snapshot();
  const sends = await collectSends(s, from, prefix, o.steps, due + o.windowMs);
  const end = Math.min(Date.now(), due + o.windowMs);
  const cpu = CpuMeter.perUnit(cpuBefore, s.cpu.snapshot(), sends.length);
  // The first service's statements per step it ran (its share of the jobs, from its own /metrics).
  const trips = (await s.service.call('roundTrips', null)) - tripsBefore;
  const jobs = (await counter(s, 'ringback_jobs_total', kind)) - jobsBefore;
  const seconds = (await counter(s, 'ringback_job_seconds_total', kind)) - secondsBefore;
  await cancelBacklog(s, prefix);
  const times = sends.map((r) => r.at.getTime()).sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))] ?? due;
  const t10 = at(0.1);
  const t90 = at(0.9);
  return {
    workers: o.workers,
    steps: o.steps,
    sent: sends.length,
    overall: sends.length / (Math.max(1, end - due) / 1000),
    sustained: t90 > t10 ? (0.8 * times.length) / ((t90 - t10) / 1000) : 0,
    states: await stepStates(s, prefix),
    meanStepMs: jobs > 0 ? (seconds / jobs) * 1000 : 0,
    meanInFlight: seconds / (Math.max(1, end - due) / 1000),
    cpu,
    roundTripsPerStep: jobs > 0 ? trips / jobs : 0,
  };
}
