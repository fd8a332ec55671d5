import { randomBytes } from 'node:crypto';
import type { Clock } from '../../clock.js';
import { loadConfig } from '../../config.js';
import { createLogger } from '../../logger.js';
import { type Runtime, startRuntime } from '../../runtime.js';
import { createSandbox, type Sandbox } from '../../sandbox/index.js';
import { pickPort } from './ports.js';

export const CLIENT_ID = 'ringback-demo-app';
export const CLIENT_SECRET = 'demo-client-secret';
export const SHARED_SECRET = 'demo-shared-secret';

export interface DemoStack {
  sandbox: Sandbox;
  rt: Runtime;
  /** Ringback's URL. */
  url: string;
  close(): Promise<void>;
}

/** The GHL sandbox on :4100 and Ringback on :3000 (or free ports), on PGlite in memory, wired to each other. */
export async function startDemoStack(opts: { clock: Clock; verbose: boolean }): Promise<DemoStack> {
  const { clock } = opts;
  const sandboxOptions = {
    clock,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    sharedSecret: SHARED_SECRET,
    // As GHL does: messages sent through the API come back as OutboundMessage webhooks.
    echoApiMessages: true,
  };
  const preferred = await pickPort(4100, '127.0.0.1');
  // Another process may take the port between the probe and the listen: then any free port does.
  const sandbox = await createSandbox({ ...sandboxOptions, port: preferred }).catch(() =>
    createSandbox({ ...sandboxOptions, port: 0 }),
  );
  try {
    const port = await pickPort(3000, '0.0.0.0');
    const url = `http://127.0.0.1:${port}`;
    const config = loadConfig({
      PORT: String(port),
      DATABASE_URL: 'memory://',
      APP_BASE_URL: url,
      GHL_CLIENT_ID: CLIENT_ID,
      GHL_CLIENT_SECRET: CLIENT_SECRET,
      GHL_SHARED_SECRET: SHARED_SECRET,
      GHL_API_BASE_URL: sandbox.url,
      GHL_MARKETPLACE_URL: sandbox.url,
      GHL_WEBHOOK_ED25519_PUBLIC_KEY: sandbox.keys.ed25519PublicPem,
      GHL_WEBHOOK_RSA_PUBLIC_KEY: sandbox.keys.rsaPublicPem,
      TOKEN_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      SESSION_SECRET: randomBytes(24).toString('hex'),
      EXTRA_FRAME_ANCESTORS: sandbox.url,
      LOG_LEVEL: opts.verbose ? 'info' : 'error',
    });
    const rt = await startRuntime({
      config,
      clock,
      logger: createLogger(config.logLevel, process.stderr),
      listen: true,
      startWorker: true,
      // Real milliseconds between polls; 12 h of product time before a running job counts as orphaned.
      workerOptions: { pollMs: 20, staleAfterMs: 12 * 3_600_000, concurrency: 2 },
      digestCron: false,
    });
    sandbox.setAppBaseUrl(rt.url ?? url);
    return {
      sandbox,
      rt,
      url: rt.url ?? url,
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
