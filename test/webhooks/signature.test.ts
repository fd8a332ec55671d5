/**
 * The two ways a webhook's signature is checked (src/webhooks/signature.ts): on the calling thread (PGlite,
 * whose database shares the loop) and on libuv's thread pool (Postgres). Both must give the same answer for
 * every case, GHL's order included: a spoiled Ed25519 signature is not rescued by a good RSA one.
 */
import { describe, expect, it } from 'vitest';
import { WebhookSigner } from '../../src/sandbox/webhook-signer.js';
import { verifyWebhookSignature, verifyWebhookSignatureOffLoop, webhookKeys } from '../../src/webhooks/signature.js';

describe('a webhook signature checked on the loop and off it', () => {
  it('gives the same answer in every case', async () => {
    const signer = await WebhookSigner.create();
    const keys = webhookKeys({
      webhookEd25519PublicKey: signer.keys.ed25519PublicPem,
      webhookRsaPublicKey: signer.keys.rsaPublicPem,
    });
    const raw = Buffer.from(JSON.stringify({ type: 'InboundMessage', locationId: 'loc_1', body: 'hi' }));
    const both = signer.headers(raw, 'both');
    const cases: Array<[string, Record<string, string>, Buffer, 'ed25519' | 'rsa' | null]> = [
      ['Ed25519 and RSA', both, raw, 'ed25519'],
      ['Ed25519 alone', signer.headers(raw, 'ed25519'), raw, 'ed25519'],
      ['RSA alone', signer.headers(raw, 'rsa'), raw, 'rsa'],
      ['no signature', {}, raw, null],
      ['other bytes', both, Buffer.from(`${raw.toString()} `), null],
      ['a spoiled Ed25519 beside a good RSA', { ...both, 'x-ghl-signature': 'AAAA' }, raw, null],
      ['not base64 at all', { 'x-ghl-signature': '%%%' }, raw, null],
    ];
    for (const [name, headers, body, expected] of cases) {
      expect({ name, on: verifyWebhookSignature(body, headers, keys) }).toEqual({ name, on: expected });
      expect({ name, off: await verifyWebhookSignatureOffLoop(body, headers, keys) }).toEqual({ name, off: expected });
    }
  });
});
