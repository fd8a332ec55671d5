/**
 * The machine's CPU time taken by the hypervisor for other guests (steal, /proc/stat): on a shared VM it comes
 * in bursts that stall every process at once, which no change to Ringback can remove. Each latency phase
 * reports its share, so a tail measured under steal is read as such.
 */
import { readFileSync } from 'node:fs';

export interface MachineTicks {
  steal: number;
  total: number;
}

export function machineTicks(): MachineTicks {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    // cpu user nice system idle iowait irq softirq steal guest guest_nice; guest time is inside user.
    const f = line.trim().split(/\s+/).slice(1, 9).map(Number);
    return { steal: f[7] ?? 0, total: f.reduce((a, b) => a + b, 0) };
  } catch {
    return { steal: 0, total: 0 };
  }
}

/** Percent of the machine's CPU time stolen between two readings (0 where /proc/stat is missing). */
export function stealPercent(before: MachineTicks, after: MachineTicks): number {
  const total = after.total - before.total;
  return total > 0 ? (100 * (after.steal - before.steal)) / total : 0;
}
