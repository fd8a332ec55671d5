import { describe, expect, it } from 'vitest';
import { decryptToken, encryptToken, TokenDecryptError } from '../../src/ghl/crypto.js';

const key = Buffer.alloc(32, 7);

describe('token encryption', () => {
  it('round-trips, with a fresh IV each time, in the versioned format', () => {
    const a = encryptToken(key, 'at_secret', 'loc_1');
    const b = encryptToken(key, 'at_secret', 'loc_1');
    expect(a).toMatch(/^v1:[\w-]+:[\w-]+:[\w-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('at_secret');
    expect(decryptToken(key, a, 'loc_1')).toBe('at_secret');
  });

  it('refuses a wrong key, another row context, a tampered ciphertext and an unknown version', () => {
    const enc = encryptToken(key, 'at_secret', 'loc_1');
    expect(() => decryptToken(Buffer.alloc(32, 8), enc, 'loc_1')).toThrow(TokenDecryptError);
    expect(() => decryptToken(key, enc, 'loc_2')).toThrow(TokenDecryptError);
    const parts = enc.split(':');
    const ct = Buffer.from(parts[3] ?? '', 'base64url');
    ct[0] = (ct[0] ?? 0) ^ 1;
    expect(() =>
      decryptToken(key, [parts[0], parts[1], parts[2], ct.toString('base64url')].join(':'), 'loc_1'),
    ).toThrow(TokenDecryptError);
    expect(() => decryptToken(key, `v9:${parts.slice(1).join(':')}`, 'loc_1')).toThrow(TokenDecryptError);
  });
});
