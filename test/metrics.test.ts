import { describe, expect, it } from 'vitest';
import { Metrics } from '../src/metrics.js';

describe('metrics', () => {
  it('counts one series per label set, whatever the order the labels are given in', async () => {
    const m = new Metrics();
    m.inc('t_total', 'help', { type: 'a', duplicate: 'false' });
    m.inc('t_total', 'help', { duplicate: 'false', type: 'a' });
    m.inc('t_total', 'help', { type: 'a', duplicate: 'true' });
    const text = await m.render();
    expect(text).toContain('t_total{duplicate="false",type="a"} 2\n');
    expect(text).toContain('t_total{duplicate="true",type="a"} 1\n');
  });

  it('keeps label sets apart that only a naive join would confuse, and escapes quotes', async () => {
    const m = new Metrics();
    m.inc('t_total', 'help', { a: 'x\u0001b\u0000y' });
    m.inc('t_total', 'help', { a: 'x', b: 'y' });
    m.inc('t_total', 'help', { a: 'say "hi"' });
    const text = await m.render();
    expect(text).toContain('t_total{a="x",b="y"} 1\n');
    expect(text).toContain('t_total{a="x\u0001b\u0000y"} 1\n');
    expect(text).toContain('t_total{a="say \\"hi\\""} 1\n');
  });
});
