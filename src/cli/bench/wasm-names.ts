/**
 * Names for PGlite's frames in a V8 profile: V8 shows WebAssembly functions as `wasm-function[index]`, and
 * pglite.wasm carries no name section, but as a module other modules link against it exports most of
 * Postgres's functions by name (ExecutorStart, XLogInsert…). Static functions stay unnamed.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

function leb(bytes: Uint8Array, at: number): [number, number] {
  let value = 0;
  let shift = 0;
  let i = at;
  for (;;) {
    const b = bytes[i++] ?? 0;
    value += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if (b < 0x80) return [value, i];
  }
}

/** Function index (imports counted first, as V8 numbers them) to exported name. */
export function pgliteFunctionNames(): Map<number, string> {
  const require = createRequire(import.meta.url);
  const dist = dirname(require.resolve('@electric-sql/pglite'));
  const bytes = new Uint8Array(readFileSync(join(dist, 'pglite.wasm')));
  const names = new Map<number, string>();
  const text = new TextDecoder();
  let i = 8;
  while (i < bytes.length) {
    const id = bytes[i++];
    const [size, start] = leb(bytes, i);
    i = start + size;
    if (id !== 7) continue; // the export section
    let [count, at] = leb(bytes, start);
    while (count-- > 0) {
      const [len, nameAt] = leb(bytes, at);
      const name = text.decode(bytes.subarray(nameAt, nameAt + len));
      const kind = bytes[nameAt + len];
      const [index, next] = leb(bytes, nameAt + len + 1);
      if (kind === 0) names.set(index, name);
      at = next;
    }
  }
  return names;
}
