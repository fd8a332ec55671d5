import { readdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

/** The `src/...` entries the README's Layout block names, as `name` or `name/`. */
function layoutEntries(): string[] {
  const readme = readFileSync(resolve(root, 'README.md'), 'utf8');
  const block = readme.split('## Layout')[1]?.split('```')[1] ?? '';
  return [...block.matchAll(/^src\/(\S+)/gm)].map((m) => m[1] as string);
}

// The Layout section is the map a new maintainer reads first: it must name what is there, and only that.
describe("the README's Layout", () => {
  it('names every file and folder directly under src/, and nothing that is not there', () => {
    const actual = readdirSync(resolve(root, 'src'), { withFileTypes: true })
      .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
      .sort();
    expect(layoutEntries().sort()).toEqual(actual);
  });
});
