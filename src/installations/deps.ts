import type { AppDeps } from '../app.js';
import type { GhlApi } from '../ghl/api.js';
import { createGhlAuth, createGhlClient, type GhlAuth } from '../ghl/client.js';

const built = new WeakMap<AppDeps, { ghl: GhlApi; auth: GhlAuth }>();

/**
 * The GHL client and token vault of a process. The runtime puts them in AppDeps; an app built without them
 * (a test with createApp) gets a pair built once per deps object, so routes and jobs still share one vault and
 * its in-process single-flight.
 */
export function ghlOf(deps: AppDeps): { ghl: GhlApi; auth: GhlAuth } {
  if (deps.ghl && deps.ghlAuth) return { ghl: deps.ghl, auth: deps.ghlAuth };
  let pair = built.get(deps);
  if (!pair) {
    const auth = deps.ghlAuth ?? createGhlAuth(deps);
    pair = { auth, ghl: deps.ghl ?? createGhlClient({ ...deps, auth }) };
    built.set(deps, pair);
  }
  return pair;
}
