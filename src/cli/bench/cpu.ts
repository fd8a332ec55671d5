/**
 * CPU time (user + system, from /proc) that each process of the bench spent on a piece of work: unlike rates
 * and latencies it hardly depends on what else the shared machine runs, so per-unit costs stay comparable
 * between runs, and two cores divided by the total cost per unit is the ceiling of an idle machine.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICK_MS = 10; // CLK_TCK is 100 on Linux.

/** 0 when the process is gone. */
function procMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, inside parentheses): utime is 14th, stime 15th.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(rest[11]) + Number(rest[12])) * TICK_MS;
  } catch {
    return 0;
  }
}

/** Postgres backends serving `database` (their title names it): the server's own work for the bench. */
function backendsOf(database: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmd.startsWith('postgres: ') && cmd.split(' ').includes(database)) pids.push(Number(entry));
    } catch {
      // The process ended meanwhile.
    }
  }
  return pids;
}

export type CpuSnapshot = Map<string, number>;

export class CpuMeter {
  readonly #pids = new Map<string, number>();
  constructor(private readonly database: string | null) {}

  watch(name: string, pid: number): void {
    this.#pids.set(name, pid);
  }

  snapshot(): CpuSnapshot {
    const snap: CpuSnapshot = new Map();
    for (const [name, pid] of this.#pids) {
      const ms = procMs(pid);
      if (ms > 0) snap.set(name, ms);
    }
    const own = process.cpuUsage();
    snap.set('sandbox', (own.user + own.system) / 1000);
    if (this.database) {
      // Backends come and go with the pool: each is keyed by pid, summed as 'postgres' in the difference.
      for (const pid of backendsOf(this.database)) snap.set(`pg:${pid}`, procMs(pid));
    }
    return snap;
  }

  /**
   * CPU ms per unit of work between two snapshots, per process ('postgres' sums the backends). `signingCpuMs`:
   * what the load process spent signing its requests before the first went out, which is not load.
   */
  static perUnit(before: CpuSnapshot, after: CpuSnapshot, units: number, signingCpuMs = 0): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [key, ms] of after) {
      // A process that was not there at the start (a pool's new backend) started from zero.
      if (!before.has(key) && !key.startsWith('pg:')) continue;
      const name = key.startsWith('pg:') ? 'postgres' : key;
      out[name] = (out[name] ?? 0) + (ms - (before.get(key) ?? 0)) / Math.max(1, units);
    }
    if (out['load'] !== undefined) out['load'] = Math.max(0, out['load'] - signingCpuMs / Math.max(1, units));
    out['total'] = Object.values(out).reduce((a, b) => a + b, 0);
    return out;
  }
}
