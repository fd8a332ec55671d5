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

export class Metrics {
  readonly #series = new Map<string, Series>();
  readonly #collectors: Array<() => Promise<void>> = [];
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

  async render(): Promise<string> {
    await Promise.all(this.#collectors.map((c) => c().catch(() => {})));
    const out: string[] = [];
    for (const [name, s] of this.#series) {
      out.push(`# HELP ${name} ${s.help}`, `# TYPE ${name} ${s.type}`);
      for (const [k, v] of s.values) out.push(k ? `${name}{${k}} ${v}` : `${name} ${v}`);
    }
    return `${out.join('\n')}\n`;
  }
}
