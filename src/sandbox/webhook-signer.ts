import { createSign, generateKeyPair, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { promisify } from 'node:util';
import type { SignMode } from './types.js';

export interface WebhookKeys {
  ed25519PublicPem: string;
  rsaPublicPem: string;
}

/**
 * The sandbox's own signing keys: GHL's private keys are not ours, so the app is pointed at
 * these public keys instead. RSA is 2048-bit (GHL's is 4096): 4096 costs about a second a start, 2048 about
 * 250 ms here, generated off the event loop so an app under test in the same process is not stalled.
 */
// One RSA pair per process, made on first use: a test process starts dozens of sandboxes, and what each one
// must be fresh about is its Ed25519 key, not a 250 ms RSA generation.
let rsaPair: Promise<{ publicKey: KeyObject; privateKey: KeyObject }> | null = null;

export class WebhookSigner {
  readonly keys: WebhookKeys;
  readonly #ed: KeyObject;
  readonly #rsa: KeyObject;

  static async create(): Promise<WebhookSigner> {
    rsaPair ??= promisify(generateKeyPair)('rsa', { modulusLength: 2048 });
    return new WebhookSigner(await rsaPair);
  }

  private constructor(rsa: { publicKey: KeyObject; privateKey: KeyObject }) {
    const ed = generateKeyPairSync('ed25519');
    this.#ed = ed.privateKey;
    this.#rsa = rsa.privateKey;
    this.keys = {
      ed25519PublicPem: ed.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      rsaPublicPem: rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    };
  }

  /** The signature headers for the exact bytes to be posted. */
  headers(raw: Buffer, mode: SignMode | 'none'): Record<string, string> {
    const out: Record<string, string> = {};
    if (mode === 'ed25519' || mode === 'both') out['x-ghl-signature'] = sign(null, raw, this.#ed).toString('base64');
    if (mode === 'rsa' || mode === 'both') {
      out['x-wh-signature'] = createSign('sha256').update(raw).sign(this.#rsa, 'base64');
    }
    return out;
  }
}
