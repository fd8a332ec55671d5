import { describe, expect, it } from 'vitest';
import { CpuMeter, type CpuSnapshot } from '../../src/cli/bench/cpu.js';

const snap = (entries: Array<[string, number]>): CpuSnapshot => new Map(entries);

describe('CpuMeter.perUnit', () => {
  it('charges the load process only for sending, not for signing its requests ahead', () => {
    const before = snap([
      ['service', 1_000],
      ['load', 500],
      ['sandbox', 200],
      ['pg:11', 300],
    ]);
    const after = snap([
      ['service', 1_400],
      ['load', 900],
      ['sandbox', 260],
      ['pg:11', 400],
      ['pg:12', 50],
    ]);
    const cpu = CpuMeter.perUnit(before, after, 100, 300);
    expect(cpu['service']).toBeCloseTo(4);
    expect(cpu['load']).toBeCloseTo(1);
    expect(cpu['postgres']).toBeCloseTo(1.5);
    expect(cpu['total']).toBeCloseTo(4 + 1 + 0.6 + 1.5);
    expect(CpuMeter.perUnit(before, after, 100)['load']).toBeCloseTo(4);
  });
});
