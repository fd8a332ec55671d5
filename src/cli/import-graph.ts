import { resolve } from 'node:path';
import { findCycles, readImportGraph } from './graph/imports.js';
import { findClimbs } from './graph/layers.js';

// `npm run graph`: the import circles and the imports that climb a floor, as issue 16 measures them.
const graph = readImportGraph(resolve(import.meta.dirname, '..'));
const cycles = findCycles(graph);
const climbs = findClimbs(graph);
console.log(`${graph.size} files, ${cycles.length} import circles, ${climbs.length} imports that climb a floor`);
for (const c of cycles) console.log(`circle (${c.length} files): ${c.join(' -> ')}`);
for (const c of climbs) console.log(`climb: ${c.from} -> ${c.to}`);
