/**
 * End to end: signed missed-call webhooks at a fixed rate into the one Ringback process (ROLE=all, worker
 * running), each location's first SMS due at once. Per rate: acknowledgements, every webhook's status, the
 * first SMS's lag behind its due time, and what one missed call costs until that SMS is sent (database round
 * trips, service and Postgres CPU), next to the ceilings of the same run. Then the database's growth per missed
 * call once retention has run, and the non-missed-call traffic (texts and emails, no active run) absorbed.
 */
import { CpuMeter } from './cpu.js';
import { addCallers, settingsRows, UPSERT_SETTINGS } from './fixture.js';
import { SEED_RUNS, seedRunsValues } from './seed-runs.js';
import type { EventPlan, LoadResult } from './protocol.js';
import { collectSends } from './sends.js';
import type { Stack } from './stack.js';
import { machineTicks, stealPercent } from './steal.js';
import { type Summary, summarize } from './stats.js';
import type { TrafficModel } from './traffic-model.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface E2eOptions {
  rates: number[];
  warmupMs: number;
  durationMs: number;
  /** How long after the last webhook its first SMS may still be sent; later ones lag at least this much. */
  graceMs: number;
  /** Closed-loop window of the ceilings and of the traffic phase. */
  ceilingMs: number;
  /**
   * Missed calls of the weeks before, their sequences finished, written into the tables first. A machine in
   * service has that history, and the planner's estimates with it: measured from nearly empty tables (just
   * compacted by the size measurement), each connection kept the plans it made for one-page tables (a sequential
   * scan of runs for every foreign-key check) until autovacuum analysed them, and Postgres CPU per call grew with
   * the backlog (13.4 ms at 500/s in one run, 4.4-5.0 in others, as autovacuum's timing fell).
   */
  history: number;
  model: TrafficModel;
}

export interface E2eRate {
  rate: number;
  /** Calls posted, warm-up included: every per-call cost below divides by it. */
  calls: number;
  ack: LoadResult;
  /** Statuses of every webhook of the rate, warm-up included. */
  every2xx: boolean;
  /** First SMS sent minus its due time (at once: the later of the call and its webhook's arrival). */
  lagMs: Summary;
  sent: number;
  stealPct: number;
  /**
   * Event-loop delay p99 while the webhooks were posted: Ringback's (an acknowledgement waits behind it) and the
   * load generator's own (its latencies include it: on a saturated machine the clock that times them stalls too).
   */
  loopDelayMs: { service: number; load: number };
  roundTripsPerCall: number;
  /** CPU ms per missed call, per process, until its first SMS is sent and its jobs are done. */
  cpu: Record<string, number>;
  /** Seconds from the first webhook to the last first SMS. */
  seconds: number;
}

export interface TrafficResult {
  webhooks: number;
  /** Acknowledged and processed (inbox row marked) per second, worker running. */
  absorbedPerSecond: number;
  ackRate: number;
  failed: number;
  roundTripsPerWebhook: number;
  cpu: Record<string, number>;
}

export interface E2eResult {
  ceilings: { bareHttp: number; inserts: number; insertConnections: number };
  rates: E2eRate[];
  /** Database growth per missed call, retention applied as it is 8 days later, measured after VACUUM FULL. */
  bytesPerCall: number;
  /** The same growth by table (indexes and TOAST included), largest first. */
  bytesPerCallByTable: Array<[string, number]>;
  /**
   * The same once every run's sequence was played to its end (its later steps made due at once and run as the
   * worker runs them), then retention as 8 days later: what a missed call leaves for good.
   */
  finishedBytesPerCall: number;
  finishedBytesPerCallByTable: Array<[string, number]>;
  /** Runs still active when the wait for the sequences' end gave up (0: every sequence ended). */
  unfinishedRuns: number;
  sizeMethod: string;
  traffic: TrafficResult;
  model: TrafficModel;
}

/** Every location's first step (the apology text) due at once, the rest of the sequence as configured. */
async function firstSmsAtOnce(s: Stack, atOnce: boolean): Promise<void> {
  const rows = settingsRows(s.fixture).map((r) => {
    const settings = r.s as { sequence: Array<{ after: string }> };
    if (!atOnce) return r;
    return {
      id: r.id,
      s: { ...settings, sequence: settings.sequence.map((st, i) => (i ? st : { ...st, after: 'PT0S' })) },
    };
  });
  await s.service.call('sql', { text: UPSERT_SETTINGS, values: [JSON.stringify(rows)] });
}

const DAY_MS = 86_400_000;

/** Runs of the last weeks, ended, their steps done and their jobs gone as retention leaves them; then analysed. */
async function seedHistory(s: Stack, count: number): Promise<void> {
  if (count <= 0) return;
  // Its step jobs are due in the past until they are removed: the worker must not take them meanwhile.
  await s.service.call('worker', { run: false });
  const plan: EventPlan = {
    locations: s.fixture.locations,
    lines: s.fixture.lines,
    contactPrefix: 'hist_',
    dateAddedMs: Date.now() - 30 * DAY_MS,
    dateStepMs: (28 * DAY_MS) / count,
  };
  await s.service.call('sql', { text: SEED_RUNS, values: seedRunsValues(plan, count) });
  await s.service.call('sql', {
    text: `with st as (
             update run_steps set state = 'done', done_at = due_at
             where contact_id like 'hist_%' and state = 'pending' returning id)
           delete from jobs where unique_key in (select 'step:' || id from st)`,
  });
  await s.service.call('sql', {
    text: `update runs set status = 'ended', outcome = 'lost', outcome_reason = 'sequence-ended',
                  outcome_at = started_at + interval '1 day'
           where contact_id like 'hist_%' and status = 'active'`,
  });
  await s.service.call('sql', { text: 'analyze' });
  await s.service.call('worker', { run: true });
}

/**
 * One missed call per location, not measured: a process in service has read each location's settings, users
 * and token before, and the first rate would otherwise pay for 400 locations' first reads.
 */
async function warmLocations(s: Stack, o: E2eOptions): Promise<void> {
  const plan: EventPlan = { locations: s.fixture.locations, lines: s.fixture.lines, contactPrefix: 'warm_' };
  const count = s.fixture.locations.length;
  addCallers(s.fixture.sandbox, plan, count);
  await s.load.call('open', { url: `${s.url}/webhooks/ghl`, rate: 100, warmupMs: 0, durationMs: count * 10, plan });
  await waitIdle(s, Date.now() + Math.max(o.graceMs, 60_000));
}

/** Due webhook and attribute jobs, and those running: a stored webhook has its job until it is processed. */
async function dueWork(s: Stack): Promise<number> {
  const rows = await s.service.call('sql', {
    // Each count through its partial index (migrations 0001, 0016): polled every 100 ms, a count over every
    // job's state cost Postgres 11 ms a poll, charged to the missed calls measured.
    text: `select (select count(*) from jobs where state = 'pending' and kind = 'webhook.process' and run_at <= now())::int
                + (select count(*) from jobs where state = 'pending' and kind <> 'webhook.process' and run_at <= now())::int
                + (select count(*) from jobs where state = 'running')::int as n`,
  });
  return Number(rows[0]?.['n'] ?? 0);
}

async function waitIdle(s: Stack, deadline: number): Promise<void> {
  while ((await dueWork(s)) > 0 && Date.now() < deadline) await sleep(100);
}

async function oneRate(s: Stack, o: E2eOptions, rate: number, n: number): Promise<E2eRate> {
  const prefix = `e2e${n}_`;
  const warm = Math.round((rate * o.warmupMs) / 1000);
  const count = warm + Math.round((rate * o.durationMs) / 1000);
  const plan: EventPlan = { locations: s.fixture.locations, lines: s.fixture.lines, contactPrefix: prefix };
  addCallers(s.fixture.sandbox, plan, count);
  await waitIdle(s, Date.now() + 30_000);
  const from = s.fixture.sandbox.requests.length;
  const trips = await s.service.call('roundTrips', null);
  const cpuBefore = s.cpu.snapshot();
  const ticks = machineTicks();
  const t0 = Date.now();
  await s.service.call('loopDelay', null);
  const ack = await s.load.call('open', {
    url: `${s.url}/webhooks/ghl`,
    rate,
    warmupMs: o.warmupMs,
    durationMs: o.durationMs,
    plan,
  });
  const serviceLoop = await s.service.call('loopDelay', null);
  // Costs are per missed call fully handled: the wait for the last first SMS and job is long, the lag counts it.
  const wait = Math.max(o.graceMs, 60_000);
  const sends = await collectSends(s, from, prefix, count, Date.now() + wait);
  const stealPct = stealPercent(ticks, machineTicks());
  const seconds = (Date.now() - t0) / 1000;
  await waitIdle(s, Date.now() + wait);
  const cpu = CpuMeter.perUnit(cpuBefore, s.cpu.snapshot(), count, ack.signingCpuMs);
  const roundTripsPerCall = ((await s.service.call('roundTrips', null)) - trips) / count;
  const deadline = Date.now();
  // Due at once: the step's due time, or its webhook's arrival when the event was signed before it was posted.
  const dues = await s.service.call('sql', {
    text: `select st.contact_id, (extract(epoch from greatest(st.due_at, w.received_at)) * 1000)::float8 as due_ms
           from run_steps st join webhook_inbox w on w.webhook_id = 'wh_' || st.contact_id
           where st.step_id = 'apology-sms' and st.contact_id like $1`,
    values: [`${prefix}%`],
  });
  const sentAt = new Map(sends.map((r) => [(r.body as { contactId: string }).contactId, r.at.getTime()]));
  const measured = dues.filter((r) => Number(String(r['contact_id']).slice(prefix.length)) >= warm);
  const lags = measured.map((r) => (sentAt.get(String(r['contact_id'])) ?? deadline) - Number(r['due_ms']));
  // The warm-up's webhooks were posted too: their statuses count, only their latencies are not recorded.
  const every2xx = ack.failed === 0 && ack.ok === ack.sent;
  return {
    rate,
    calls: count,
    ack,
    every2xx,
    lagMs: summarize(lags),
    sent: measured.filter((r) => sentAt.has(String(r['contact_id']))).length,
    stealPct,
    loopDelayMs: { service: serviceLoop.p99, load: ack.loopDelayMs.p99 },
    roundTripsPerCall,
    cpu,
    seconds,
  };
}

function growthByTable(
  before: Record<string, number>,
  after: Record<string, number>,
  calls: number,
): Array<[string, number]> {
  return Object.entries(after)
    .map(([t, b]): [string, number] => [t, (b - (before[t] ?? 0)) / Math.max(1, calls)])
    .filter(([, b]) => Math.abs(b) >= 1)
    .sort((a, b) => b[1] - a[1]);
}

/**
 * Every active run's later steps due now, in its plan and as step rows, so the worker runs them as it would at
 * their time (the bench's locations are in a daytime zone: no text waits for the window); then waits until every
 * run ended. Returns how many are still active when it gives up.
 */
async function finishSequences(s: Stack): Promise<number> {
  await s.service.call('sql', {
    text: `update runs set plan_due_at = now(), plan = (
             select jsonb_agg(jsonb_build_array(e->0, e->1, now()) order by ord)
             from jsonb_array_elements(plan) with ordinality as t(e, ord))
           where status = 'active' and plan is not null`,
  });
  await s.service.call('sql', {
    text: `with st as (update run_steps set due_at = now() where state = 'pending' and due_at > now() returning id)
           update jobs set run_at = now() where unique_key in (select 'step:' || id from st) and state = 'pending'`,
  });
  const deadline = Date.now() + 300_000;
  let active = 0;
  do {
    await sleep(500);
    const rows = await s.service.call('sql', { text: `select count(*)::int as n from runs where status = 'active'` });
    active = Number(rows[0]?.['n'] ?? 0);
  } while (active > 0 && Date.now() < deadline);
  await waitIdle(s, Date.now() + 30_000);
  return active;
}

/**
 * What retention keeps of the last week, which the size measurement before the calls (retention applied 8 days
 * ahead, then VACUUM FULL) removed: the inbox's deliveries (the calls' own and about ten texts and emails each),
 * the jobs done (about two per missed call: the webhooks that are neither missed calls nor quiet, replies and
 * reports of delivery; a missed call's own jobs are deleted as they are done, migrations/0036),
 * and the calls' contact events (kept for the escalation window). Without them the calls ran on empty tables, and
 * Postgres planned their statements for empty tables: scans, which plpgsql keeps as generic plans while the tables
 * grow (2 ms and 360 pages per job recorded done at 500 missed calls/s, against 0.05 ms and 14 pages). The
 * measurement after removes them again as it removed them before, so the bytes per call are not changed by them.
 */
async function seedRecentWeek(s: Stack, history: number): Promise<void> {
  const calls = Math.round(history / 4);
  const weekAgo = (n: string) => `now() - make_interval(secs => g * 604800.0 / ${n})`;
  await s.service.call('sql', {
    text: `insert into webhook_inbox (webhook_id, type, location_id, body, signature_kind, received_at, processed_at, quiet)
           select 'hist_wh_' || g, case when g % 10 = 0 then 'InboundMessage' else 'OutboundMessage' end,
                  ($1::text[])[1 + g % cardinality($1::text[])],
                  jsonb_build_object('messageType', 'SMS', 'timestamp', t.at), 'ed25519', t.at, t.at, g % 10 <> 0
           from generate_series(1, $2::int) g, lateral (select ${weekAgo('$2::int')} as at) t`,
    values: [s.fixture.locations, calls * 10],
  });
  await s.service.call('sql', {
    text: `insert into jobs (kind, payload, state, run_at, attempts, unique_key, location_id, created_at, updated_at,
                             finished_at)
           select 'webhook.process', '{}'::jsonb, 'done',
                  t.at, 1, 'week:' || g, ($1::text[])[1 + g % cardinality($1::text[])], t.at, t.at, t.at
           from generate_series(1, $2::int) g, lateral (select ${weekAgo('$2::int')} as at) t`,
    values: [s.fixture.locations, calls * 2],
  });
  await s.service.call('sql', {
    text: `insert into contact_events (location_id, contact_id, kind, at, ref)
           select ($1::text[])[1 + g % cardinality($1::text[])], 'week_' || g, 'missed-call', ${weekAgo('$2::int')},
                  'week_msg_' || g
           from generate_series(1, $2::int) g`,
    values: [s.fixture.locations, calls],
  });
  await s.service.call('sql', { text: 'analyze' });
}

/** Retention as it runs 8 days from now (webhook bodies past their 7 days), then every table compacted. */
async function settledSize(s: Stack): Promise<{ bytes: number; method: string; tables: Record<string, number> }> {
  await s.service.call('retention', { aheadMs: 8 * 86_400_000 });
  // VACUUM FULL locks each table in turn: the worker waits, so no transaction of its own holds one meanwhile.
  await s.service.call('worker', { run: false });
  // Ringback's own tables, one by one: a database-wide VACUUM FULL also rewrites every system catalog, which
  // PGlite (WebAssembly, one thread) had not finished after minutes; one table at a time it takes well under a
  // second.
  const tables = await s.service.call('sql', {
    text: `select tablename as t from pg_tables where schemaname = 'public' order by tablename`,
  });
  for (const row of tables) await s.service.call('sql', { text: `vacuum full "${String(row['t'])}"` });
  const size = await s.service.call('dbSize', null);
  await s.service.call('worker', { run: true });
  return size;
}

async function measureTraffic(s: Stack, o: E2eOptions): Promise<TrafficResult> {
  const plan: EventPlan = {
    locations: s.fixture.locations,
    lines: s.fixture.lines,
    contactPrefix: 'traffic_',
    traffic: true,
  };
  await waitIdle(s, Date.now() + 30_000);
  const trips = await s.service.call('roundTrips', null);
  const cpuBefore = s.cpu.snapshot();
  const r = await s.load.call('closed', {
    url: `${s.url}/webhooks/ghl`,
    connections: 64,
    warmupMs: 0,
    durationMs: o.ceilingMs,
    plan,
  });
  await waitIdle(s, Date.now() + 60_000);
  // From the first request, not from the call: the load signs its requests first (seconds at 5,000/s).
  const seconds = (Date.now() - r.firstRequestAt) / 1000;
  return {
    webhooks: r.issued,
    absorbedPerSecond: r.ok / seconds,
    ackRate: r.rate,
    failed: r.failed,
    roundTripsPerWebhook: ((await s.service.call('roundTrips', null)) - trips) / Math.max(1, r.issued),
    cpu: CpuMeter.perUnit(cpuBefore, s.cpu.snapshot(), r.issued, r.signingCpuMs),
  };
}

export async function measureEndToEnd(s: Stack, o: E2eOptions, log: (m: string) => void): Promise<E2eResult> {
  const bare = await s.load.call('closed', {
    url: `${s.bare.info['url']}/webhooks/ghl`,
    connections: 64,
    warmupMs: 500,
    durationMs: o.ceilingMs,
    plan: { locations: s.fixture.locations, lines: s.fixture.lines, contactPrefix: 'e2ebare_' },
  });
  const insertConnections = s.kind === 'postgres' ? 8 : 1;
  const inserts = await s.service.call('insertCeiling', { durationMs: o.ceilingMs, concurrency: insertConnections });
  log(`  ceilings: bare HTTP ${Math.round(bare.rate)}/s, single-row inserts ${Math.round(inserts.rate)}/s`);
  await seedHistory(s, o.history);
  log(`  history: ${o.history} earlier missed calls, finished, analysed`);
  await firstSmsAtOnce(s, true);
  await warmLocations(s, o);
  const before = await settledSize(s);
  await seedRecentWeek(s, o.history);
  const rates: E2eRate[] = [];
  let calls = 0;
  for (const [i, rate] of o.rates.entries()) {
    const r = await oneRate(s, o, rate, i + 1);
    calls += r.calls;
    rates.push(r);
    log(
      `  ${rate} missed calls/s: ack p50 ${r.ack.latency.p50.toFixed(1)} p99 ${r.ack.latency.p99.toFixed(1)} ms, ${r.every2xx ? 'every webhook 2xx' : `${r.ack.failed} failed`}; first SMS lag p99 ${r.lagMs.p99.toFixed(0)} ms (${r.sent}/${r.lagMs.n} sent); ${r.roundTripsPerCall.toFixed(1)} round trips, CPU ${(r.cpu['service'] ?? 0).toFixed(2)} + ${(r.cpu['postgres'] ?? 0).toFixed(2)} ms per call; CPU steal ${r.stealPct.toFixed(1)}%; loop delay p99 service ${r.loopDelayMs.service.toFixed(0)}, load ${r.loopDelayMs.load.toFixed(0)} ms`,
    );
  }
  const after = await settledSize(s);
  const unfinished = await finishSequences(s);
  log(`  sequences played to their end: ${unfinished} runs still active`);
  const finished = await settledSize(s);
  await firstSmsAtOnce(s, false);
  const traffic = await measureTraffic(s, o);
  log(
    `  texts and emails, no active run: ${Math.round(traffic.absorbedPerSecond)}/s absorbed (acks ${Math.round(traffic.ackRate)}/s), ${traffic.roundTripsPerWebhook.toFixed(2)} round trips each`,
  );
  return {
    ceilings: { bareHttp: bare.rate, inserts: inserts.rate, insertConnections },
    rates,
    bytesPerCall: (after.bytes - before.bytes) / Math.max(1, calls),
    bytesPerCallByTable: growthByTable(before.tables, after.tables, calls),
    finishedBytesPerCall: (finished.bytes - before.bytes) / Math.max(1, calls),
    finishedBytesPerCallByTable: growthByTable(before.tables, finished.tables, calls),
    unfinishedRuns: unfinished,
    sizeMethod: `${before.method} after retention and VACUUM FULL`,
    traffic,
    model: o.model,
  };
}
