import type { ImportGraph } from './imports.js';

/**
 * The floors of the house, lowest first. A file may import from its own floor or below; an import that climbs
 * is counted (README, Layout). Paths are matched by their longest listed prefix; a prefix of a star and a slash
 * matches that file name in any folder.
 */
export const FLOORS: ReadonlyArray<readonly string[]> = [
  // The ground: what every feature may lean on, leaning on nothing above it.
  [
    'clock.ts',
    'config.ts',
    'deps.ts',
    'errors.ts',
    'logger.ts',
    'metrics.ts',
    'timeout.ts',
    'bounded-map.ts',
    'db/',
    'http/',
    // Each feature's table types: the schema is the ground the database module stands on.
    '*/tables.ts',
  ],
  // The pure core: decisions and documents, no database, no network.
  ['core/'],
  // Machinery: the job engine and everything that speaks to GHL.
  ['jobs/', 'ghl/'],
  // Entry features: webhook intake and sessions.
  ['webhooks/', 'session/'],
  // The follow-up engine.
  ['followup/'],
  // Features built on the engine.
  ['installations/', 'settings/', 'reporting/', 'retention/', 'portfolio/'],
  // The composition root.
  ['app.ts', 'runtime.ts', 'job-kinds.ts', 'fan-out.ts', 'main.ts', 'worker-thread.ts'],
  // The fake GHL and the commands, which start whole runtimes.
  ['sandbox/', 'cli/'],
];

export function floorOf(path: string): number {
  let best = -1;
  let bestLen = -1;
  FLOORS.forEach((prefixes, floor) => {
    for (const p of prefixes) {
      const byName = p.startsWith('*/');
      const hit = byName ? path.endsWith(p.slice(1)) : path === p || path.startsWith(p);
      // A file-name rule names the file itself, so it outranks any folder.
      const len = byName ? Number.POSITIVE_INFINITY : p.length;
      if (hit && len > bestLen) {
        best = floor;
        bestLen = len;
      }
    }
  });
  if (best < 0) throw new Error(`${path} is on no floor: add it to FLOORS in src/cli/graph/layers.ts`);
  return best;
}

export interface Climb {
  from: string;
  to: string;
}

/** Imports from a lower floor to a higher one. */
export function findClimbs(graph: ImportGraph): Climb[] {
  const climbs: Climb[] = [];
  for (const [from, targets] of graph) {
    for (const to of targets) if (floorOf(to) > floorOf(from)) climbs.push({ from, to });
  }
  return climbs.sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
}
