/**
 * `tsx src/cli/bench/prof-summary.ts <file.cpuprofile> [top]`: where a --cpu-prof profile of the service spent
 * its CPU, by self time: per function and per area (a package of node_modules, a folder of src, node itself),
 * and on PGlite, Postgres's own functions by inclusive time (which of its stages a statement's time goes to).
 */
import { readFileSync } from 'node:fs';
import { pgliteFunctionNames } from './wasm-names.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

function areaOf(url: string, fn: string): string {
  if (url === '') return fn.startsWith('(') ? fn : '(native)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1] ?? url;
  const src = /\/src\/(.+)\/[^/]+$/.exec(url);
  if (src) return `src/${src[1]}`;
  if (url.startsWith('node:')) return url.split('/')[0] ?? url;
  return url;
}

function top(map: Map<string, number>, total: number, n: number): string[] {
  return [...map.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(
      ([k, us]) => `${((us / total) * 100).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`,
    );
}

const [file, count] = process.argv.slice(2);
if (!file) throw new Error('usage: prof-summary <file.cpuprofile> [top]');
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<number, number>();
for (const [i, id] of profile.samples.entries()) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
const parent = new Map<number, number>();
for (const node of profile.nodes) for (const c of node.children ?? []) parent.set(c, node.id);
const label = (f: ProfileNode['callFrame']) =>
  `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(node_modules|src)\//, '$1/')}:${f.lineNumber + 1}`;
/** Inclusive time of our own functions (synchronous part only: awaited work is charged to whoever resumes it). */
const ours = new Map<string, number>();
const byFn = new Map<string, number>();
const byArea = new Map<string, number>();
let total = 0;
let idle = 0;
for (const [id, us] of self) {
  const f = byId.get(id)?.callFrame;
  if (!f) continue;
  if (f.functionName === '(idle)') {
    idle += us;
    continue;
  }
  total += us;
  const key = label(f);
  byFn.set(key, (byFn.get(key) ?? 0) + us);
  const seen = new Set<string>();
  for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
    const frame = byId.get(cur)?.callFrame;
    if (!frame?.url.includes('/src/')) continue;
    const k = label(frame);
    if (!seen.has(k)) ours.set(k, (ours.get(k) ?? 0) + us);
    seen.add(k);
  }
  const area = areaOf(f.url, f.functionName);
  byArea.set(area, (byArea.get(area) ?? 0) + us);
}
// PGlite's module is the WebAssembly with the most samples; Postgres's functions named where it exports them.
const wasmSelf = new Map<string, number>();
for (const [id, us] of self) {
  const url = byId.get(id)?.callFrame.url ?? '';
  if (url.startsWith('wasm://')) wasmSelf.set(url, (wasmSelf.get(url) ?? 0) + us);
}
const pgliteUrl = [...wasmSelf.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
const postgres = new Map<string, number>();
if (pgliteUrl) {
  const names = pgliteFunctionNames();
  const nameOf = (f: ProfileNode['callFrame']) => {
    const index = f.url === pgliteUrl ? /^wasm-function\[(\d+)\]$/.exec(f.functionName)?.[1] : undefined;
    return index === undefined ? undefined : names.get(Number(index));
  };
  for (const [id, us] of self) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const name = nameOf(byId.get(cur)?.callFrame ?? { functionName: '', url: '', lineNumber: 0 });
      if (name && !seen.has(name)) postgres.set(name, (postgres.get(name) ?? 0) + us);
      if (name) seen.add(name);
    }
  }
}
const wall = profile.endTime - profile.startTime;
const n = Number(count ?? 25);
process.stdout.write(
  [
    `${file}: ${(wall / 1e6).toFixed(1)} s profiled, busy ${(total / 1e6).toFixed(1)} s, idle ${(idle / 1e6).toFixed(1)} s`,
    'by area (self time):',
    ...top(byArea, total, n),
    'by function (self time):',
    ...top(byFn, total, n),
    'our functions (inclusive, synchronous part):',
    ...top(ours, total, n),
    ...(postgres.size > 0
      ? ["PGlite's Postgres functions (inclusive; exported ones only):", ...top(postgres, total, n)]
      : []),
  ].join('\n') + '\n',
);
