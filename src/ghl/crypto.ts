import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Tokens at rest: AES-256-GCM with a fresh 12-byte IV per value. Stored as text `v1:<iv>:<tag>:<ciphertext>`
 * (base64url parts) so a later key rotation can add `v2` and still read old rows.
 *
 * `context` (the location or company id) is bound as additional authenticated data: a ciphertext copied onto
 * another install's row fails to decrypt instead of lending that install someone else's token.
 */
const VERSION = 'v1';

export class TokenDecryptError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenDecryptError';
  }
}

export function encryptToken(key: Buffer, plaintext: string, context: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join(':');
}

export function decryptToken(key: Buffer, stored: string, context: string): string {
  const [version, iv, tag, ciphertext] = stored.split(':');
  if (version !== VERSION || iv === undefined || tag === undefined || ciphertext === undefined) {
    throw new TokenDecryptError('unknown token format');
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    // The cause would name nothing secret, but a wrong key and a tampered row look the same from here.
    throw new TokenDecryptError('token does not decrypt with the configured key');
  }
}
