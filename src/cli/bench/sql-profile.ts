/**
 * BENCH_PROFILE_SQL=1 (PGlite): the time PGlite spends running each statement, the WebAssembly Postgres having
 * no pg_stat_statements. Printed to the service log at each round-trip count the orchestrator asks for (so once
 * per measured window, e.g. a rate of the e2e phase), then reset. PGlite runs synchronously on the service's
 * thread, so this wall time is its CPU time unless the machine preempts the service (watch the load and steal):
 * process.cpuUsage() cost about 35 us a call in the service (0.5 ms per missed call), performance.now() nothing.
 */
import type { PGlite } from '@electric-sql/pglite';

interface Cell {
  calls: number;
  ms: number;
}

const cells = new Map<string, Cell>();
let current = '?';
const keys = new Map<string, string>();

function cell(key: string): Cell {
  let c = cells.get(key);
  if (!c) {
    c = { calls: 0, ms: 0 };
    cells.set(key, c);
  }
  return c;
}

/** The statement the next protocol exchange belongs to: PGlite has one connection, so one statement at a time. */
export function noteStatement(text: string): void {
  let key = keys.get(text);
  if (key === undefined) {
    key = text.replace(/\s+/g, ' ').trim().slice(0, 110);
    if (keys.size < 10_000) keys.set(text, key);
  }
  current = key;
  cell(current).calls += 1;
}

export function profilePglite(pglite: PGlite): void {
  const target = pglite as unknown as { execProtocolRawSync: (m: Uint8Array) => Uint8Array };
  const run = target.execProtocolRawSync.bind(pglite);
  target.execProtocolRawSync = (m: Uint8Array) => {
    const before = performance.now();
    try {
      return run(m);
    } finally {
      cell(current).ms += performance.now() - before;
    }
  };
}

export function dumpProfile(): void {
  const rows = [...cells.entries()].filter(([, c]) => c.ms > 0).sort((a, b) => b[1].ms - a[1].ms);
  const total = rows.reduce((s, [, c]) => s + c.ms, 0);
  const lines = [`sql-profile: PGlite ran ${total.toFixed(0)} ms in this window, by statement (ms, calls, ms each):`];
  for (const [text, { ms, calls }] of rows.slice(0, 30)) {
    lines.push(
      `sql-profile ${ms.toFixed(0).padStart(6)} ${String(calls).padStart(6)} ${(ms / Math.max(1, calls)).toFixed(3)}  ${text}`,
    );
  }
  process.stderr.write(`${lines.join('\n')}\n`);
  cells.clear();
}
