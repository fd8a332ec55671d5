import type { ApiRoute } from './api.js';

export interface RouteHit {
  route: ApiRoute;
  params: Record<string, string>;
}

interface Compiled {
  method: string;
  /** Lower-case literals, or the name of a parameter. */
  segments: Array<string | { param: string }>;
  route: ApiRoute;
}

function compile(route: ApiRoute): Compiled {
  const segments = route.path
    .slice(1)
    .split('/')
    .map((s) => (s.startsWith(':') ? { param: s.slice(1) } : s.toLowerCase()));
  return { method: route.method.toUpperCase(), segments, route };
}

/**
 * Matches a raw (still percent-encoded) path the way express's router does with its defaults: first route in
 * order, literals case-insensitive, one optional trailing slash, parameters non-empty and URI-decoded. A
 * parameter express would reject as undecodable gives no hit, so express answers it. Routes are grouped by
 * their first segment (a literal in every API route), which keeps their order within a group.
 */
export class RouteTable {
  readonly #byFirst = new Map<string, Compiled[]>();

  constructor(routes: ApiRoute[]) {
    for (const c of routes.map(compile)) {
      const first = c.segments[0];
      if (typeof first !== 'string') throw new Error(`an API route must start with a literal: ${c.route.path}`);
      const group = this.#byFirst.get(first);
      if (group) group.push(c);
      else this.#byFirst.set(first, [c]);
    }
  }

  match(method: string, path: string): RouteHit | undefined {
    const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(1, -1) : path.slice(1);
    const parts = trimmed.split('/');
    const group = this.#byFirst.get((parts[0] ?? '').toLowerCase());
    if (!group) return undefined;
    for (const c of group) {
      if (c.method !== method || c.segments.length !== parts.length) continue;
      const params = matchSegments(c.segments, parts);
      if (params === null) return undefined;
      if (params) return { route: c.route, params };
    }
    return undefined;
  }
}

/** The parameters, undefined when the path does not fit, null when a parameter cannot be decoded. */
function matchSegments(segments: Compiled['segments'], parts: string[]): Record<string, string> | null | undefined {
  const found: string[] = [];
  for (let i = 1; i < segments.length; i++) {
    const s = segments[i];
    const part = parts[i] ?? '';
    if (typeof s === 'string') {
      if (part.length !== s.length || part.toLowerCase() !== s) return undefined;
    } else if (s === undefined || part === '') {
      return undefined;
    } else {
      found.push(s.param, part);
    }
  }
  const params: Record<string, string> = {};
  for (let i = 0; i < found.length; i += 2) {
    try {
      params[found[i] ?? ''] = decodeURIComponent(found[i + 1] ?? '');
    } catch {
      return null;
    }
  }
  return params;
}
