import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import type { Sandbox } from '../../src/sandbox/index.js';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_METRICS_TOKEN, TEST_SHARED_SECRET } from '../helpers/config.js';

export const RELIABILITY_METRICS_TOKEN = TEST_METRICS_TOKEN;

export interface ChildOptions {
  sandbox: Sandbox;
  databaseUrl: string;
  /** Kept across restarts, so the URL GHL posts to stays the same. Default: a free port. */
  port?: number;
  /** Extra environment, e.g. JOB_STALE_AFTER_MS. */
  env?: Record<string, string>;
}

/** A free TCP port on 127.0.0.1 (closed again at once; the child binds it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * One Ringback process as production runs it: `node --import tsx src/main.ts`, configured by environment only,
 * on the system clock. It can be killed with SIGKILL at any moment and started again on the same database.
 */
export class RingbackChild {
  #proc: ChildProcess | null = null;
  #exited: Promise<void> = Promise.resolve();
  /** Everything the process wrote (warn level and up), across restarts: shown when a test fails. */
  readonly output: string[] = [];
  starts = 0;
  kills = 0;

  private constructor(
    private readonly opts: ChildOptions,
    readonly port: number,
  ) {}

  static async start(opts: ChildOptions): Promise<RingbackChild> {
    const child = new RingbackChild(opts, opts.port ?? (await freePort()));
    await child.start();
    return child;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Started and answering /readyz (false while down or starting up). */
  ready = false;

  env(): Record<string, string> {
    const { sandbox } = this.opts;
    return {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: String(this.port),
      DATABASE_URL: this.opts.databaseUrl,
      APP_BASE_URL: this.url,
      GHL_CLIENT_ID: TEST_CLIENT_ID,
      GHL_CLIENT_SECRET: TEST_CLIENT_SECRET,
      GHL_SHARED_SECRET: TEST_SHARED_SECRET,
      GHL_API_BASE_URL: sandbox.url,
      GHL_MARKETPLACE_URL: sandbox.url,
      GHL_WEBHOOK_ED25519_PUBLIC_KEY: sandbox.keys.ed25519PublicPem,
      GHL_WEBHOOK_RSA_PUBLIC_KEY: sandbox.keys.rsaPublicPem,
      TOKEN_ENCRYPTION_KEY: 'KMtvNdiBGnZRhXTCOCpArsRfjqUowmve+uidubWCLWo=',
      SESSION_SECRET: 'reliability-session-secret-0123456789',
      METRICS_TOKEN: RELIABILITY_METRICS_TOKEN,
      LOG_LEVEL: 'warn',
      ...this.opts.env,
    };
  }

  /** Spawns the process and waits until /readyz answers 200. */
  async start(timeoutMs = 30_000): Promise<void> {
    if (this.#proc) throw new Error('child already running');
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: process.cwd(),
      env: this.env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.#proc = proc;
    this.starts += 1;
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString('utf8'));
      if (this.output.length > 2000) this.output.splice(0, 1000);
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    this.#exited = new Promise((resolve) =>
      proc.once('exit', (code, signal) => {
        if (this.#proc === proc) {
          this.#proc = null;
          this.ready = false;
        }
        if (signal !== 'SIGKILL' && code !== 0) this.output.push(`[exit code=${code} signal=${signal}]\n`);
        resolve();
      }),
    );
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (!this.#proc) throw new Error(`child exited during start-up:\n${this.tail()}`);
      const res = await fetch(`${this.url}/readyz`).catch(() => null);
      if (res?.status === 200) {
        this.ready = true;
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`child not ready after ${timeoutMs} ms:\n${this.tail()}`);
  }

  /** kill -9: no shutdown hook runs, locks stay behind, requests in flight are cut. */
  async kill9(): Promise<void> {
    if (!this.#proc) return;
    this.ready = false;
    this.kills += 1;
    this.#proc.kill('SIGKILL');
    await this.#exited;
  }

  async restart(): Promise<void> {
    await this.kill9();
    await this.start();
  }

  /** A graceful SIGTERM, used at the end of a test. */
  async stop(): Promise<void> {
    if (!this.#proc) return;
    this.ready = false;
    this.#proc.kill('SIGTERM');
    const forced = setTimeout(() => this.#proc?.kill('SIGKILL'), 10_000);
    await this.#exited;
    clearTimeout(forced);
  }

  /** A counter of the process's /metrics, summed over the series whose labels include `labels`. */
  async counter(name: string, labels: string): Promise<number> {
    const res = await fetch(`${this.url}/metrics`, {
      headers: { Authorization: `Bearer ${RELIABILITY_METRICS_TOKEN}` },
    });
    let sum = 0;
    for (const line of (await res.text()).split('\n')) {
      if (line.startsWith(`${name}{`) && line.includes(labels)) sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    }
    return sum;
  }

  tail(lines = 40): string {
    return this.output.join('').split('\n').slice(-lines).join('\n');
  }
}
