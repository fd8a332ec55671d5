/**
 * A tiny Prometheus text registry: counters and gauges with labels, and one summary-like histogram.
 * prom-client is not on the product card; this is all /metrics needs.
 */
type Labels = Record<string, string>;

function key(labels: Labels): string {
  return Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)
    .join(',');
}

interface Series {
  help: string;
  type: 'counter' | 'gauge';
  values: Map<string, number>;
}

/** A registry's series as plain data, to cross to another thread (jobs/thread-host.ts). */
export type MetricsSnapshot = Array<{ name: string; help: string; type: Series['type']; values: [string, number][] }>;

export class Metrics {
  readonly #series = new Map<string, Series>();
  readonly #collectors: Array<() => Promise<void>> = [];
  readonly #sources: Array<() => Promise<MetricsSnapshot>> = [];
  /**
   * Speed: replaces sorting and escaping the labels on every increment, about 1% of an acknowledgement's CPU.
   * Label sets already formatted, by a cheap join of the labels as given: sorting and escaping on every
   * increment was about 1% of a webhook acknowledgement's CPU. It grows with the distinct label sets, as the
   * series do.
   */
  readonly #keys = new Map<string, string>();

  #key(labels: Labels): string {
    let raw = '';
    for (const k in labels) {
      const v = labels[k] ?? '';
      // A separator inside a value could make two label sets share a cache entry: those are formatted afresh.
      if (v.includes('\u0000') || v.includes('\u0001')) return key(labels);
      raw += `${k}\u0000${v}\u0001`;
    }
    let k = this.#keys.get(raw);
    if (k === undefined) {
      k = key(labels);
      this.#keys.set(raw, k);
    }
    return k;
  }

  #get(name: string, help: string, type: Series['type']): Series {
    let s = this.#series.get(name);
    if (!s) {
      s = { help, type, values: new Map() };
      this.#series.set(name, s);
    }
    return s;
  }

  inc(name: string, help: string, labels: Labels = {}, by = 1): void {
    const s = this.#get(name, help, 'counter');
    const k = this.#key(labels);
    s.values.set(k, (s.values.get(k) ?? 0) + by);
  }

  set(name: string, help: string, labels: Labels, value: number): void {
    this.#get(name, help, 'gauge').values.set(this.#key(labels), value);
  }

  /** Gauges read at scrape time (queue depth, lag) register here. */
  collectWith(fn: () => Promise<void>): void {
    this.#collectors.push(fn);
  }

  /**
   * Another registry shown with this one (the worker thread's): its counters add to this one's, its gauges
   * stand for themselves. A source that fails is left out of that scrape.
   */
  addSource(fn: () => Promise<MetricsSnapshot>): void {
    this.#sources.push(fn);
  }

  snapshot(): MetricsSnapshot {
    return [...this.#series].map(([name, s]) => ({ name, help: s.help, type: s.type, values: [...s.values] }));
  }

  async render(): Promise<string> {
    await Promise.all(this.#collectors.map((c) => c().catch(() => {})));
    const others = await Promise.all(this.#sources.map((f) => f().catch((): MetricsSnapshot => [])));
    const merged = new Map<string, Series>();
    for (const [name, s] of this.#series) merged.set(name, { ...s, values: new Map(s.values) });
    for (const series of others.flat()) {
      const into = merged.get(series.name) ?? { help: series.help, type: series.type, values: new Map() };
      merged.set(series.name, into);
      for (const [k, v] of series.values) {
        into.values.set(k, series.type === 'counter' ? (into.values.get(k) ?? 0) + v : v);
      }
    }
    const out: string[] = [];
    for (const [name, s] of merged) {
      out.push(`# HELP ${name} ${s.help}`, `# TYPE ${name} ${s.type}`);
      for (const [k, v] of s.values) out.push(k ? `${name}{${k}} ${v}` : `${name} ${v}`);
    }
    return `${out.join('\n')}\n`;
  }
}
