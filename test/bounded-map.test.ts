import { describe, expect, it } from 'vitest';
import { setBounded } from '../src/bounded-map.js';

describe('setBounded', () => {
  it('drops the least recently stored key when full, and storing a key again makes it the newest', () => {
    const m = new Map<string, number>();
    setBounded(m, 'a', 1, 3);
    setBounded(m, 'b', 2, 3);
    setBounded(m, 'c', 3, 3);
    setBounded(m, 'a', 10, 3);
    setBounded(m, 'd', 4, 3);
    expect([...m.entries()]).toEqual([
      ['c', 3],
      ['a', 10],
      ['d', 4],
    ]);
  });

  it('replacing a key of a full map evicts nothing', () => {
    const m = new Map([
      ['a', 1],
      ['b', 2],
    ]);
    setBounded(m, 'b', 20, 2);
    expect([...m.keys()]).toEqual(['a', 'b']);
    expect(m.get('b')).toBe(20);
  });
});
