/**
 * The bench's processes: the sandbox (GHL) in the orchestrator, Ringback in a child (a second one as a worker
 * for the two-worker run), the load generator and the bare express app in children of their own.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CpuMeter } from './cpu.js';
import { CLIENT_ID, CLIENT_SECRET, createFixture, type Fixture, SHARED_SECRET } from './fixture.js';
import type { LoadApi, ServiceApi } from './protocol.js';
import { type Child, spawnChild } from './rpc.js';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

/** The bench reads each service's /metrics with this token. */
export const BENCH_METRICS_TOKEN = 'bench-metrics-token-0123456789';

export interface BenchEnv {
  databaseUrl: string | undefined;
  dataDir: string;
  logDir: string;
  /** Extra node flags for the service (e.g. --cpu-prof). */
  serviceExecArgv: string[];
  /** GHL's echo of each message Ringback sends (an OutboundMessage webhook): --echo. */
  echo?: boolean;
}

export interface Stack {
  fixture: Fixture;
  load: Child<LoadApi>;
  bare: Child<Record<string, never>>;
  service: Child<ServiceApi>;
  /** Ringback's URL. */
  url: string;
  kind: 'postgres' | 'pglite';
  startService(role: 'all' | 'worker'): Promise<Child<ServiceApi>>;
  rss: RssSampler;
  cpu: CpuMeter;
  close(): Promise<void>;
}

export async function startStack(env: BenchEnv, locationCount: number): Promise<Stack> {
  const fixture = await createFixture(locationCount, env.echo ?? false);
  const load = await spawnChild<LoadApi>(here('./load.ts'), { env: baseEnv(), logFile: `${env.logDir}/load.log` });
  const bare = await spawnChild<Record<string, never>>(here('./bare.ts'), {
    env: baseEnv(),
    logFile: `${env.logDir}/bare.log`,
  });
  const secret = randomBytes(32).toString('base64');
  const serviceEntry = builtService();
  const startService = (role: 'all' | 'worker') =>
    spawnChild<ServiceApi>(serviceEntry, {
      env: {
        ...baseEnv(),
        PORT: '0',
        ROLE: role,
        LOG_LEVEL: 'warn',
        DATABASE_URL: env.databaseUrl,
        DATA_DIR: env.dataDir,
        GHL_CLIENT_ID: CLIENT_ID,
        GHL_CLIENT_SECRET: CLIENT_SECRET,
        GHL_SHARED_SECRET: SHARED_SECRET,
        GHL_API_BASE_URL: fixture.sandbox.url,
        GHL_MARKETPLACE_URL: fixture.sandbox.url,
        GHL_WEBHOOK_ED25519_PUBLIC_KEY: load.info['ed25519PublicPem'],
        GHL_WEBHOOK_RSA_PUBLIC_KEY: load.info['rsaPublicPem'],
        TOKEN_ENCRYPTION_KEY: secret,
        SESSION_SECRET: 'bench-session-secret-0123456789',
        METRICS_TOKEN: BENCH_METRICS_TOKEN,
        BENCH_TRACE_SQL: process.env['BENCH_TRACE_SQL'],
        BENCH_PROFILE_SQL: process.env['BENCH_PROFILE_SQL'],
        WORKER_THREAD: process.env['WORKER_THREAD'],
        BENCH_PROFILE_WINDOWS: process.env['BENCH_PROFILE_WINDOWS'] === '1' ? env.logDir : undefined,
      },
      logFile: `${env.logDir}/service-${role}.log`,
      execArgv: env.serviceExecArgv,
      startTimeoutMs: 120_000,
    });
  if (!env.databaseUrl) {
    // PGlite's first start runs initdb, which leaves the process near 1 GB; production restarts reopen the
    // folder. One throwaway start creates and migrates it, so the measured process is a reopen, as in production.
    await (await startService('all')).stop();
  }
  const service = await startService('all');
  const rss = new RssSampler();
  rss.watch('service', service.pid);
  const cpu = new CpuMeter(env.databaseUrl ? new URL(env.databaseUrl).pathname.slice(1) : null);
  cpu.watch('service', service.pid);
  cpu.watch('load', load.pid);
  cpu.watch('bare', bare.pid);
  return {
    fixture,
    load,
    bare,
    service,
    url: service.info['url'] ?? '',
    kind: service.info['kind'] === 'pglite' ? 'pglite' : 'postgres',
    startService,
    rss,
    cpu,
    async close() {
      rss.stop();
      await Promise.allSettled([service.stop(), load.stop(), bare.stop()]);
      await fixture.sandbox.close();
    },
  };
}

/**
 * Ringback runs as production runs it (Dockerfile: `npm run build`, then node on dist/): compiled, not under
 * tsx, whose loader in each of the service's threads (the worker thread's too) held about 40-50 MB more.
 */
function builtService(): string {
  const root = fileURLToPath(new URL('../../..', import.meta.url));
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  return join(root, 'dist/cli/bench/service.js');
}

function baseEnv(): Record<string, string | undefined> {
  return { PATH: process.env['PATH'], HOME: process.env['HOME'], NODE_ENV: 'production' };
}

/** Peak resident memory of the service processes: VmHWM at the end, and VmRSS sampled every 250 ms. */
export class RssSampler {
  readonly #pids = new Map<string, number>();
  readonly #maxMb = new Map<string, number>();
  readonly #startMb = new Map<string, number>();
  readonly #timer = setInterval(() => this.sample(), 250);

  watch(name: string, pid: number): void {
    this.#pids.set(name, pid);
    this.#startMb.set(name, statusMb(pid, 'VmRSS') ?? 0);
  }
  sample(): void {
    for (const [name, pid] of this.#pids) {
      const mb = statusMb(pid, 'VmRSS');
      if (mb !== null) this.#maxMb.set(name, Math.max(this.#maxMb.get(name) ?? 0, mb));
    }
  }
  /** The high-water mark the kernel kept (every byte ever resident at once), else the sampled maximum. */
  peakMb(name: string): { hwmMb: number | null; sampledMaxMb: number; afterStartMb: number } {
    const pid = this.#pids.get(name);
    const hwmMb = pid === undefined ? null : statusMb(pid, 'VmHWM');
    return { hwmMb, sampledMaxMb: this.#maxMb.get(name) ?? 0, afterStartMb: this.#startMb.get(name) ?? 0 };
  }
  stop(): void {
    clearInterval(this.#timer);
  }
}

function statusMb(pid: number, field: string): number | null {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith(`${field}:`));
    const kb = Number(line?.replace(/\D+/g, ''));
    return Number.isFinite(kb) && kb > 0 ? kb / 1024 : null;
  } catch {
    return null;
  }
}
