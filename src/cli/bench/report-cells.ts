/** The cells of the bench's table: numbers, latencies, verdicts and CPU per unit, formatted alike. */
import type { Summary } from './stats.js';

export type Row = [string, string, string, string];

export const n0 = (v: number) => Math.round(v).toLocaleString('en-US');
export const ms = (v: number) => (v >= 100 ? n0(v) : v.toFixed(1));
export const lat = (s: Summary) => `p50 ${ms(s.p50)} / p99 ${ms(s.p99)} / max ${ms(s.max)} ms`;
export const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');

/**
 * CPU ms per unit for Ringback's own processes and Postgres (the load process and the sandbox stand for GHL,
 * which is not on this machine in production), and what two idle cores would then sustain.
 */
export function cpuText(cpu: Record<string, number>, names: string[], db: 'postgres' | 'pglite'): string {
  const parts = names.filter((n) => cpu[n] !== undefined).map((n) => `${n} ${(cpu[n] ?? 0).toFixed(2)}`);
  const ours = ['service', 'worker2', 'postgres'].reduce((sum, n) => sum + (cpu[n] ?? 0), 0);
  // PGlite runs the database on the service's own thread: one core is all it can use.
  const ceiling = db === 'pglite' ? `1 core / service` : '2 idle cores / (Ringback + Postgres)';
  return `${parts.join(' + ')} ms; ${ceiling} = ${n0((db === 'pglite' ? 1000 : 2000) / Math.max(0.001, ours))}/s`;
}
