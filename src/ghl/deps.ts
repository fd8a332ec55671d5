import type { Deps } from '../deps.js';
import type { GhlApi } from './api.js';
import type { GhlAuth } from './client.js';
import type { UserDirectory } from './users.js';

/**
 * The process's dependencies with its GHL client, which every job kind and route that calls GHL requires: the
 * runtime builds one client per process, so all share one token vault, its single-flight refresh and the
 * location's rate budget. Tests that build an app pass theirs (test/helpers).
 */
export interface GhlDeps extends Deps {
  /** GHL API per location (tokens, rate limit, retries). */
  ghl: GhlApi;
  /** OAuth endpoints and the token vault behind `ghl`, shared with the install routes. */
  ghlAuth: GhlAuth;
  /** The process's cache of each location's users (rep names), which UserCreate/UserDelete clear. */
  users: UserDirectory;
}
