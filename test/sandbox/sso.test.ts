import { createDecipheriv, createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../src/sandbox/index.js';
import { COMPANY_ID, LOCATION_ID, USERS } from '../../src/sandbox/seed.js';
import { encryptSso } from '../../src/sandbox/sso.js';
import { CREDS, startSandbox } from './helpers.js';

/** An independent decryption (OpenSSL EVP_BytesToKey, MD5, one round), as the app will do it. */
function decrypt(b64: string, secret: string): unknown {
  const raw = Buffer.from(b64, 'base64');
  expect(raw.subarray(0, 8).toString('latin1')).toBe('Salted__');
  const salt = raw.subarray(8, 16);
  let derived = Buffer.alloc(0);
  let prev = Buffer.alloc(0);
  while (derived.length < 48) {
    prev = createHash('md5')
      .update(Buffer.concat([prev, Buffer.from(secret), salt]))
      .digest();
    derived = Buffer.concat([derived, prev]);
  }
  const decipher = createDecipheriv('aes-256-cbc', derived.subarray(0, 32), derived.subarray(32, 48));
  return JSON.parse(Buffer.concat([decipher.update(raw.subarray(16)), decipher.final()]).toString('utf8'));
}

let sandbox: Sandbox;
beforeEach(async () => {
  ({ sandbox } = await startSandbox({ appBaseUrl: 'http://127.0.0.1:4321' }));
});
afterEach(() => sandbox.close());

describe('sandbox SSO and GHL page', () => {
  it('encrypts CryptoJS-style with a fresh salt each time', () => {
    const obj = { userId: 'u1', role: 'admin', name: 'Zoë' };
    const a = encryptSso(obj, 'secret');
    expect(decrypt(a, 'secret')).toEqual(obj);
    expect(encryptSso(obj, 'secret')).not.toBe(a);
    expect(() => decrypt(a, 'other secret')).toThrow();
  });

  it('serves a GHL shell that iframes the app and inlines the encrypted user context', async () => {
    const res = await fetch(`${sandbox.url}/location/${LOCATION_ID}/ringback?userId=${USERS.ana}`);
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('src="http://127.0.0.1:4321/app"');
    expect(page).toContain('REQUEST_USER_DATA_RESPONSE');
    const payload = /const payload = "([^"]+)"/.exec(page)?.[1] ?? '';
    expect(decrypt(payload, CREDS.sharedSecret)).toEqual({
      userId: USERS.ana,
      companyId: COMPANY_ID,
      role: 'user',
      type: 'location',
      activeLocation: LOCATION_ID,
      userName: 'Ana Lopez',
      email: 'ana.lopez@example.com',
    });
    const root = await (await fetch(`${sandbox.url}/`)).text();
    expect(root).toContain('Bright Smile Dental');
  });
});
