import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCycles, readImportGraph } from '../../src/cli/graph/imports.js';
import { findClimbs, floorOf } from '../../src/cli/graph/layers.js';

const graph = readImportGraph(resolve(import.meta.dirname, '../../src'));

// Issue 16's measure of the house: a new maintainer follows imports down, never round in circles.
describe('the import graph of src/', () => {
  it('puts every file on a floor', () => {
    for (const file of graph.keys()) expect(() => floorOf(file), file).not.toThrow();
  });

  it('has no import circles', () => {
    expect(findCycles(graph)).toEqual([]);
  });

  it('has at most 5 imports that climb from a lower floor to a higher one', () => {
    const climbs = findClimbs(graph).map((c) => `${c.from} -> ${c.to}`);
    expect(climbs.length, climbs.join('\n')).toBeLessThanOrEqual(5);
  });
});

describe('the yardstick itself', () => {
  it('finds a circle and a climb when there is one', () => {
    const sample = new Map([
      ['followup/a.ts', ['followup/b.ts', 'app.ts']],
      ['followup/b.ts', ['followup/a.ts', 'db/x.ts']],
      ['app.ts', []],
      ['db/x.ts', []],
    ]);
    expect(findCycles(sample)).toEqual([['followup/a.ts', 'followup/b.ts']]);
    expect(findClimbs(sample)).toEqual([{ from: 'followup/a.ts', to: 'app.ts' }]);
  });
});
