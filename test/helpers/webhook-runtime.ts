import { afterAll, beforeAll } from 'vitest';
import type { Clock } from '../../src/clock.js';
import { type Runtime, startRuntime } from '../../src/runtime.js';
import { WebhookSigner } from '../../src/sandbox/webhook-signer.js';
import { testConfig } from './config.js';
import { freshPostgresUrl, onPostgres, pgliteTemplate } from './db.js';
import { silentLogger } from './logger.js';

/** Ringback listening on a fresh database, trusting a signer of its own: for tests that post webhooks to it. */
export async function startWebhookRuntime(clock: Clock): Promise<{ rt: Runtime; signer: WebhookSigner }> {
  const signer = await WebhookSigner.create();
  const config = testConfig({
    PORT: '0',
    DATABASE_URL: onPostgres ? await freshPostgresUrl() : 'memory://',
    GHL_WEBHOOK_ED25519_PUBLIC_KEY: signer.keys.ed25519PublicPem,
    GHL_WEBHOOK_RSA_PUBLIC_KEY: signer.keys.rsaPublicPem,
  });
  const rt = await startRuntime({
    config,
    clock,
    logger: silentLogger,
    listen: true,
    pgliteTemplate: onPostgres ? undefined : await pgliteTemplate(),
  });
  return { rt, signer };
}

/** The runtime above for a whole test file: started before its tests, closed after them. */
export function useWebhookRuntime(clock: Clock): { readonly rt: Runtime; readonly signer: WebhookSigner } {
  let started: { rt: Runtime; signer: WebhookSigner } | undefined;
  beforeAll(async () => {
    started = await startWebhookRuntime(clock);
  });
  afterAll(async () => {
    await started?.rt.close();
  });
  const get = () => {
    if (!started) throw new Error('the webhook runtime starts in beforeAll');
    return started;
  };
  return {
    get rt() {
      return get().rt;
    },
    get signer() {
      return get().signer;
    },
  };
}
