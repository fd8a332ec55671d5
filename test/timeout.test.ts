import { describe, expect, it } from 'vitest';
import { withTimeout } from '../src/timeout.js';

class Late extends Error {}

describe('withTimeout', () => {
  it('answers with the promise when it settles in time, and with its own failure', async () => {
    await expect(withTimeout(Promise.resolve(7), 1000)).resolves.toBe(7);
    await expect(withTimeout(Promise.reject(new Error('refused')), 1000)).rejects.toThrow('refused');
  });

  it('fails with the given error once the time is up, and a late failure of the promise goes unreported', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      let fail!: (err: Error) => void;
      const slow = new Promise<number>((_, reject) => {
        fail = reject;
      });
      await expect(withTimeout(slow, 20, () => new Late('too slow'))).rejects.toBeInstanceOf(Late);
      await expect(withTimeout(new Promise<never>(() => {}), 20)).rejects.toThrow('timed out after 20 ms');
      fail(new Error('lost after the timeout'));
      await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
