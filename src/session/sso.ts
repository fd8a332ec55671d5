/**
 * The user context GHL hands a custom page (docs/ghl-platform.md §8): CryptoJS passphrase mode, i.e. OpenSSL's format
 * base64("Salted__" + 8-byte salt + AES-256-CBC ciphertext) with key and IV from EVP_BytesToKey(MD5, 1 round).
 * node:crypto only: crypto-js is not needed to read it.
 */
import { createDecipheriv, createHash } from 'node:crypto';
import { z } from 'zod';

/**
 * GHL's ids are 20 letters and digits (apps/users.json examples); the sandbox's readable ids add `_` and `-`.
 * Nothing else can be an id: a flipped CBC block decrypts to random bytes, which this refuses, and an id goes
 * into a GHL URL path, where `/`, `.` or `%` could point the request elsewhere.
 */
export const GHL_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
/** Control characters and U+FFFD (what invalid UTF-8 decodes to): the marks of a tampered block. */
// The control ranges are the point here, so the expression is built from code points.
const GARBLED = new RegExp(
  `[${String.fromCharCode(0)}-${String.fromCharCode(0x1f)}${String.fromCharCode(0x7f)}-${String.fromCharCode(0x9f)}\ufffd]`,
);

const id = z.string().regex(GHL_ID);
const text = z
  .string()
  .nullish()
  .transform((v) => v ?? '')
  .refine((v) => !GARBLED.test(v));

const SsoUser = z.looseObject({
  userId: id,
  // GHL sends "" for some agency owners (docs/ghl-platform.md §8, ISSUE #41).
  companyId: z
    .union([id, z.literal('')])
    .nullish()
    .transform((v) => v ?? ''),
  // Only a claim: the role that counts is GHL's (confirm-user.ts).
  role: text,
  type: text.transform((v) => v || 'location'),
  activeLocation: id.nullish(),
  userName: text,
  email: text,
});

export type SsoUser = z.output<typeof SsoUser>;

// A real payload is a few hundred bytes; this bounds the work an anonymous caller can ask for.
const MAX_PAYLOAD_CHARS = 8192;

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

/** The decrypted user, or null when the payload does not decrypt with `secret`, is not JSON, or is not well-formed. */
export function decryptSso(payload: string, secret: string): SsoUser | null {
  if (payload.length === 0 || payload.length > MAX_PAYLOAD_CHARS) return null;
  const raw = Buffer.from(payload, 'base64');
  if (raw.length < 32 || raw.subarray(0, 8).toString('latin1') !== 'Salted__') return null;
  const { key, iv } = evpBytesToKey(Buffer.from(secret, 'utf8'), raw.subarray(8, 16));
  let text: string;
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, iv);
    text = Buffer.concat([decipher.update(raw.subarray(16)), decipher.final()]).toString('utf8');
  } catch {
    // Bad padding: the wrong secret (or a tampered blob).
    return null;
  }
  // A flipped block decrypts to random bytes: as UTF-8 they become U+FFFD and control characters.
  if (GARBLED.test(text)) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = SsoUser.safeParse(json);
  return parsed.success ? parsed.data : null;
}
