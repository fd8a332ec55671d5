import { createCipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * OpenSSL's EVP_BytesToKey with MD5 and one round: what CryptoJS derives from a passphrase. Written here apart
 * from src/session/sso.ts on purpose: the sandbox plays GHL, and a test only proves the app reads GHL's format
 * if the two sides do not share the code that could be wrong.
 */
function evpBytesToKey(secret: Buffer, salt: Buffer): { key: Buffer; iv: Buffer } {
  let derived = Buffer.alloc(0);
  let block = Buffer.alloc(0);
  while (derived.length < 48) {
    block = createHash('md5')
      .update(Buffer.concat([block, secret, salt]))
      .digest();
    derived = Buffer.concat([derived, block]);
  }
  return { key: derived.subarray(0, 32), iv: derived.subarray(32, 48) };
}

/**
 * Encrypts like `CryptoJS.AES.encrypt(JSON.stringify(obj), secret).toString()`, the format GHL uses for the
 * REQUEST_USER_DATA payload: base64("Salted__" + 8-byte salt + AES-256-CBC ciphertext).
 */
export function encryptSso(obj: unknown, secret: string): string {
  const salt = randomBytes(8);
  const { key, iv } = evpBytesToKey(Buffer.from(secret, 'utf8'), salt);
  const cipher = createCipheriv('aes-256-cbc', key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(obj), 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.from('Salted__', 'latin1'), salt, body]).toString('base64');
}

/** The decrypted user context GHL hands a custom page (docs/ghl-platform.md §8). */
export interface SsoPayload {
  userId: string;
  companyId: string;
  role: 'admin' | 'user';
  type: 'location' | 'agency';
  activeLocation?: string;
  userName: string;
  email: string;
}
