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

describe("another registry shown with this one (the worker thread's)", () => {
  it('adds its counters to ours, shows its gauges and series, and leaves out a source that fails', async () => {
    const main = new Metrics();
    const thread = new Metrics();
    main.inc('jobs_total', 'Jobs', { kind: 'a' }, 2);
    thread.inc('jobs_total', 'Jobs', { kind: 'a' }, 3);
    thread.inc('jobs_total', 'Jobs', { kind: 'b' });
    thread.set('lag_seconds', 'Lag', { kind: 'a' }, 1.5);
    main.addSource(async () => thread.snapshot());
    main.addSource(async () => {
      throw new Error('the thread is gone');
    });
    const text = await main.render();
    expect(text).toContain('jobs_total{kind="a"} 5');
    expect(text).toContain('jobs_total{kind="b"} 1');
    expect(text).toContain('# TYPE lag_seconds gauge');
    expect(text).toContain('lag_seconds{kind="a"} 1.5');
    // Rendering again counts nothing twice.
    expect(await main.render()).toContain('jobs_total{kind="a"} 5');
  });
});
