import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Tokens at rest: AES-256-GCM with a fresh 12-byte IV per value. Stored as text `v2:<keyId>:<iv>:<tag>:<ciphertext>`
 * (base64url parts); rows written before key rotation existed are `v1:<iv>:<tag>:<ciphertext>` and stay readable
 * with any configured key. The key id names which of TOKEN_ENCRYPTION_KEYS wrote a value (docs/security.md §5).
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

export interface TokenKey {
  id: string;
  key: Buffer;
}

/** Encrypts with the first (current) key, naming it. */
export function sealToken(keys: readonly TokenKey[], plaintext: string, context: string): string {
  const current = keys[0];
  if (!current) throw new Error('no token encryption key');
  return `v2:${current.id}:${encryptToken(current.key, plaintext, context).slice(VERSION.length + 1)}`;
}

/**
 * The plaintext, and whether it was written with the current key in the current format (else the caller
 * writes it again: rotation by use). A v2 value is tried with its named key; a v1 value with each key in turn.
 */
export function openToken(
  keys: readonly TokenKey[],
  stored: string,
  context: string,
): { plaintext: string; current: boolean } {
  const parts = stored.split(':');
  if (parts[0] === 'v2') {
    const key = keys.find((k) => k.id === parts[1]);
    if (!key) throw new TokenDecryptError(`token was written with key "${parts[1]}", which is not configured`);
    const plaintext = decryptParts(key.key, parts.slice(2), context);
    return { plaintext, current: key === keys[0] };
  }
  for (const k of keys) {
    try {
      return { plaintext: decryptParts(k.key, parts.slice(1), context, parts[0]), current: false };
    } catch (err) {
      if (!(err instanceof TokenDecryptError) || err.message === 'unknown token format') throw err;
    }
  }
  throw new TokenDecryptError('token does not decrypt with any configured key');
}

/** With one key, either format (tests and tools that hold the key). */
export function decryptToken(key: Buffer, stored: string, context: string): string {
  const parts = stored.split(':');
  return parts[0] === 'v2'
    ? decryptParts(key, parts.slice(2), context)
    : decryptParts(key, parts.slice(1), context, parts[0]);
}

function decryptParts(key: Buffer, parts: string[], context: string, version = VERSION): string {
  const [iv, tag, ciphertext] = parts;
  if (version !== VERSION || iv === undefined || tag === undefined || ciphertext === undefined || parts.length !== 3) {
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
