import { ManualClock } from '../../src/clock.js';
import type { GhlClientOptions } from '../../src/ghl/http.js';
import type { Logger } from '../../src/logger.js';
import { type Runtime, startRuntime } from '../../src/runtime.js';
import { createSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/index.js';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_SHARED_SECRET, testConfig } from './config.js';
import { freshPostgresUrl, onPostgres, pgliteTemplate } from './db.js';
import { silentLogger } from './logger.js';

export interface StackOptions {
  clock?: ManualClock;
  logger?: Logger;
  /** Short timeouts and backoffs by default, so fault tests take milliseconds. */
  ghlOptions?: GhlClientOptions;
  sandbox?: Partial<SandboxOptions>;
  /** More environment for Ringback's config (TRUST_PROXY, METRICS_TOKEN, …). */
  env?: Record<string, string>;
  /** The sandbox's GHL page may frame the settings page (EXTRA_FRAME_ANCESTORS), as GHL's own does. */
  frameFromSandbox?: boolean;
  /** A database of the caller's (Postgres), e.g. one with settings of its own; a fresh one by default. */
  databaseUrl?: string;
  /** The worker's poll, for tests that start it (`rt.worker.start()`). */
  pollMs?: number;
}

export interface Stack {
  sandbox: Sandbox;
  rt: Runtime;
  /** Ringback's URL (APP_BASE_URL). */
  url: string;
  clock: ManualClock;
  /** The database URL this Ringback uses, for a second runtime on the same Postgres. */
  databaseUrl: string;
  close(): Promise<void>;
}

/** Short backoffs; the timeout stays long enough that a busy CI machine never times out by accident. */
export const FAST_GHL: GhlClientOptions = { timeoutMs: 2_000, backoffMs: 5, retryBudgetMs: 3_000, maxAttempts: 3 };

/** A Ringback runtime listening on a free port, pointed at `sandboxUrl`, on the given (or a fresh) database. */
export async function startRingback(opts: {
  sandbox: Sandbox;
  clock: ManualClock;
  databaseUrl?: string;
  logger?: Logger;
  ghlOptions?: GhlClientOptions;
  env?: Record<string, string>;
  pollMs?: number;
}): Promise<{ rt: Runtime; url: string; databaseUrl: string }> {
  const databaseUrl = opts.databaseUrl ?? (onPostgres ? await freshPostgresUrl() : 'memory://');
  const config = testConfig({
    PORT: '0',
    DATABASE_URL: databaseUrl,
    GHL_CLIENT_ID: TEST_CLIENT_ID,
    GHL_API_BASE_URL: opts.sandbox.url,
    GHL_MARKETPLACE_URL: opts.sandbox.url,
    GHL_WEBHOOK_ED25519_PUBLIC_KEY: opts.sandbox.keys.ed25519PublicPem,
    GHL_WEBHOOK_RSA_PUBLIC_KEY: opts.sandbox.keys.rsaPublicPem,
    ...opts.env,
  });
  const rt = await startRuntime({
    config,
    clock: opts.clock,
    logger: opts.logger ?? silentLogger,
    listen: true,
    pgliteTemplate: databaseUrl === 'memory://' ? await pgliteTemplate() : undefined,
    ghlOptions: opts.ghlOptions ?? FAST_GHL,
    ...(opts.pollMs === undefined ? {} : { workerOptions: { pollMs: opts.pollMs } }),
    // A test that names its public URL (https, as behind production's TLS proxy) keeps it; else the runtime's own.
    baseUrlFromListen: opts.env?.APP_BASE_URL === undefined,
  });
  const url = rt.url!;
  return { rt, url, databaseUrl };
}

/** The sandbox (GHL) and one Ringback wired to each other, as in production but on one machine. */
export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const clock = opts.clock ?? new ManualClock('2026-01-05T15:00:00Z');
  const sandbox = await createSandbox({
    clock,
    clientId: TEST_CLIENT_ID,
    clientSecret: TEST_CLIENT_SECRET,
    sharedSecret: TEST_SHARED_SECRET,
    ...opts.sandbox,
  });
  try {
    const { rt, url, databaseUrl } = await startRingback({
      sandbox,
      clock,
      databaseUrl: opts.databaseUrl,
      logger: opts.logger,
      ghlOptions: opts.ghlOptions,
      pollMs: opts.pollMs,
      env: opts.frameFromSandbox ? { EXTRA_FRAME_ANCESTORS: sandbox.url, ...opts.env } : opts.env,
    });
    sandbox.setAppBaseUrl(url);
    return {
      sandbox,
      rt,
      url,
      clock,
      databaseUrl,
      async close() {
        await rt.close();
        await sandbox.close();
      },
    };
  } catch (err) {
    await sandbox.close();
    throw err;
  }
}

/**
 * The browser's install journey: Ringback's /oauth/install, GHL's chooselocation (with the sandbox's picks:
 * `locationId`, `userType=Company`), then the callback. Returns the callback's answer.
 */
export async function installVia(
  stack: Stack,
  picks: { locationId?: string | string[]; company?: boolean; scope?: string } = {},
) {
  const start = await fetch(`${stack.url}/oauth/install`, { redirect: 'manual' });
  const authorize = new URL(start.headers.get('location') ?? '');
  const ids = picks.locationId === undefined ? [] : [picks.locationId].flat();
  if (ids.length) authorize.searchParams.set('locationId', ids.join(','));
  if (picks.company) authorize.searchParams.set('userType', 'Company');
  // An install from before a scope was added to the app: GHL grants what the install asked for.
  if (picks.scope !== undefined) authorize.searchParams.set('scope', picks.scope);
  const chosen = await fetch(authorize, { redirect: 'manual' });
  const callback = chosen.headers.get('location');
  if (chosen.status !== 302 || !callback) throw new Error(`chooselocation answered ${chosen.status}`);
  const res = await fetch(callback, { redirect: 'manual' });
  return { status: res.status, html: await res.text(), callbackUrl: callback };
}
