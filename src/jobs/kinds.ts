import type { AppDeps } from '../app.js';
import { createRegistry, type JobRegistry } from './registry.js';

/** Every job kind the worker runs, each with its payload schema and handler, bound to the process's deps. */
export function buildJobRegistry(_deps: AppDeps): JobRegistry {
  return createRegistry([]);
}
