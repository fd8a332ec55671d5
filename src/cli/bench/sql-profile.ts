/**
 * BENCH_PROFILE_SQL=1 (PGlite): the CPU time PGlite spends running each statement, the WebAssembly Postgres
 * having no pg_stat_statements. Printed to the service log at each round-trip count the orchestrator asks for
 * (so once per measured window, e.g. a rate of the e2e phase), then reset.
 */
import type { PGlite } from '@electric-sql/pglite';

interface Cell {
  calls: number;
  cpuUs: number;
}

const cells = new Map<string, Cell>();
let current = '?';

function cell(key: string): Cell {
  let c = cells.get(key);
  if (!c) {
    c = { calls: 0, cpuUs: 0 };
    cells.set(key, c);
  }
  return c;
}

/** The statement the next protocol exchange belongs to: PGlite has one connection, so one statement at a time. */
export function noteStatement(text: string): void {
  current = text.replace(/\s+/g, ' ').trim().slice(0, 110);
  cell(current).calls += 1;
}

export function profilePglite(pglite: PGlite): void {
  const target = pglite as unknown as { execProtocolRawSync: (m: Uint8Array) => Uint8Array };
  const run = target.execProtocolRawSync.bind(pglite);
  target.execProtocolRawSync = (m: Uint8Array) => {
    // Process CPU (the statement runs synchronously on this thread), not wall time: the machine is shared.
    const before = process.cpuUsage();
    try {
      return run(m);
    } finally {
      const used = process.cpuUsage(before);
      cell(current).cpuUs += used.user + used.system;
    }
  };
}

export function dumpProfile(): void {
  const rows = [...cells.entries()].filter(([, c]) => c.cpuUs > 0).sort((a, b) => b[1].cpuUs - a[1].cpuUs);
  const total = rows.reduce((s, [, c]) => s + c.cpuUs, 0) / 1000;
  const lines = [`sql-profile: PGlite CPU ${total.toFixed(0)} ms in this window, by statement (ms, calls, ms each):`];
  for (const [text, c] of rows.slice(0, 30)) {
    const ms = c.cpuUs / 1000;
    lines.push(
      `sql-profile ${ms.toFixed(0).padStart(6)} ${String(c.calls).padStart(6)} ${(ms / Math.max(1, c.calls)).toFixed(3)}  ${text}`,
    );
  }
  process.stderr.write(`${lines.join('\n')}\n`);
  cells.clear();
}
