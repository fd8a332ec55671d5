import { describe, expect, it } from 'vitest';
import { type GroupCommitOptions, groupCommit, WriteTimeoutError } from '../../src/webhooks/group-commit.js';

const OPTS: GroupCommitOptions<number> = { maxBatch: 100, maxInFlight: 1, timeoutMs: 1_000 };

/** A write whose calls the test sees and finishes by hand, like a statement in flight. */
function controlledWrite() {
  const calls: Array<{ items: number[]; finish(): void; fail(err: Error): void }> = [];
  const write = (items: readonly number[]) =>
    new Promise<string[]>((resolve, reject) => {
      calls.push({ items: [...items], finish: () => resolve(items.map((i) => `stored ${i}`)), fail: reject });
    });
  return { calls, write };
}

const settled = <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('group commit', () => {
  it('writes a lone item within the same turn of the event loop, alone: an idle writer adds no wait', async () => {
    const { calls, write } = controlledWrite();
    const store = groupCommit(write, OPTS);
    const p = store(1);
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1]]);
    calls[0]?.finish();
    expect(await p).toBe('stored 1');
  });

  it('writes the items submitted in one turn together', async () => {
    const { calls, write } = controlledWrite();
    const store = groupCommit(write, OPTS);
    const all = [1, 2, 3].map(store);
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1, 2, 3]]);
    calls[0]?.finish();
    expect(await Promise.all(all)).toEqual(['stored 1', 'stored 2', 'stored 3']);
  });

  it('items that arrive while a write is in flight go together in the next one, each with its own result', async () => {
    const { calls, write } = controlledWrite();
    const store = groupCommit(write, OPTS);
    const first = store(1);
    await tick();
    const rest = [2, 3, 4].map(store);
    await tick();
    expect(calls).toHaveLength(1);
    calls[0]?.finish();
    expect(await first).toBe('stored 1');
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1], [2, 3, 4]]);
    // Nobody hears "stored" before the write covering their item has finished.
    const early = await Promise.race([Promise.all(rest), tick().then(() => 'waiting')]);
    expect(early).toBe('waiting');
    calls[1]?.finish();
    expect(await Promise.all(rest)).toEqual(['stored 2', 'stored 3', 'stored 4']);
  });

  it('never puts more than maxBatch items in one write', async () => {
    const { calls, write } = controlledWrite();
    const store = groupCommit(write, { ...OPTS, maxBatch: 2 });
    const all = [1, 2, 3, 4, 5].map(store);
    for (let i = 0; i < 3; i++) {
      await tick();
      calls[i]?.finish();
    }
    expect(await Promise.all(all)).toHaveLength(5);
    expect(calls.map((c) => c.items)).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('keeps a write within maxBatchSize, except a single item larger than that, which goes alone', async () => {
    const { calls, write } = controlledWrite();
    const store = groupCommit(write, { ...OPTS, maxBatchSize: 10, sizeOf: (i) => i });
    const all = [4, 5, 2, 30, 1].map(store);
    for (let i = 0; i < 4; i++) {
      await tick();
      calls[i]?.finish();
    }
    expect(await Promise.all(all)).toHaveLength(5);
    expect(calls.map((c) => c.items)).toEqual([[4, 5], [2], [30], [1]]);
  });

  it('when a batch fails, writes each item alone: only the item the database refuses fails', async () => {
    const written: number[][] = [];
    const store = groupCommit(async (items: readonly number[]) => {
      written.push([...items]);
      if (items.includes(3)) throw new Error('value overflows numeric format');
      return items.map((i) => `stored ${i}`);
    }, OPTS);
    const results = await Promise.all([1, 2, 3, 4].map((i) => settled(store(i))));
    expect(results).toEqual([
      { value: 'stored 1' },
      { value: 'stored 2' },
      { error: new Error('value overflows numeric format') },
      { value: 'stored 4' },
    ]);
    expect(written).toEqual([[1, 2, 3, 4], [1], [2], [3], [4]]);
  });

  it('when the database is lost, every item of the batch fails and none is reported stored', async () => {
    const store = groupCommit(async () => {
      throw new Error('connect ECONNREFUSED');
    }, OPTS);
    const results = await Promise.all([1, 2, 3].map((i) => settled(store(i))));
    expect(results.every((r) => 'error' in r)).toBe(true);
  });

  it('fails a write that hangs after timeoutMs and frees its slot, so later items are still written', async () => {
    const { calls, write } = controlledWrite();
    const store = groupCommit(write, { ...OPTS, timeoutMs: 30 });
    const [one, two] = await Promise.all([1, 2].map((i) => settled(store(i))));
    expect(one).toEqual({ error: expect.any(WriteTimeoutError) });
    expect(two).toEqual({ error: expect.any(WriteTimeoutError) });
    const later = store(3);
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1, 2], [3]]);
    calls[1]?.finish();
    expect(await later).toBe('stored 3');
    // The hung write failing late changes nothing for anyone.
    calls[0]?.fail(new Error('late'));
  });

  it('keeps up to maxInFlight writes going at once, and batches behind them', async () => {
    const { calls, write } = controlledWrite();
    const store = groupCommit(write, { ...OPTS, maxInFlight: 2 });
    const one = store(1);
    await tick();
    const two = store(2);
    await tick();
    const rest = [3, 4].map(store);
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1], [2]]);
    calls[1]?.finish();
    await tick();
    expect(calls.map((c) => c.items)).toEqual([[1], [2], [3, 4]]);
    calls[0]?.finish();
    calls[2]?.finish();
    expect(await Promise.all([one, two, ...rest])).toEqual(['stored 1', 'stored 2', 'stored 3', 'stored 4']);
  });
});
