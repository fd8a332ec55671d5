import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, withAppBaseUrl } from '../src/config.js';

const valid = {
  GHL_CLIENT_ID: 'id',
  GHL_CLIENT_SECRET: 'secret',
  GHL_SHARED_SECRET: 'shared',
  TOKEN_ENCRYPTION_KEY: '/lO3QmEv0Dl4dER0vmxZOvdznloIZg3YeYcDZlds1bs=',
  SESSION_SECRET: 'a-long-enough-session-secret',
};

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('loadConfig', () => {
  it('lists every missing required variable, one line each', () => {
    expect(problems({})).toEqual([
      'GHL_CLIENT_ID: required',
      'GHL_CLIENT_SECRET: required',
      'GHL_SHARED_SECRET: required',
      'TOKEN_ENCRYPTION_KEY: required',
      'SESSION_SECRET: required',
    ]);
  });

  it('names each malformed value', () => {
    const p = problems({
      ...valid,
      PORT: 'eighty',
      TOKEN_ENCRYPTION_KEY: 'c2hvcnQ=',
      DATABASE_URL: 'mysql://x',
      ROLE: 'boss',
      APP_BASE_URL: 'not a url',
      GHL_WEBHOOK_RSA_PUBLIC_KEY: 'nope',
    });
    expect(p.map((l) => l.split(':')[0]).sort()).toEqual(
      ['APP_BASE_URL', 'DATABASE_URL', 'GHL_WEBHOOK_RSA_PUBLIC_KEY', 'PORT', 'ROLE', 'TOKEN_ENCRYPTION_KEY'].sort(),
    );
    expect(p).toContain('TOKEN_ENCRYPTION_KEY: must be 32 bytes, base64-encoded');
  });

  it('reads JOB_STALE_AFTER_MS: 5 min by default, a whole number of ms from 1000, anything else refused', () => {
    expect(loadConfig(valid).jobStaleAfterMs).toBe(300_000);
    expect(loadConfig({ ...valid, JOB_STALE_AFTER_MS: '10000' }).jobStaleAfterMs).toBe(10_000);
    for (const bad of ['999', '1500.5', 'soon']) {
      expect(problems({ ...valid, JOB_STALE_AFTER_MS: bad })).toEqual([expect.stringMatching(/^JOB_STALE_AFTER_MS: /)]);
    }
  });

  it('is frozen to the leaves: a change throws, and another address is another config', () => {
    const config = loadConfig({ ...valid, WHITE_LABEL_DOMAINS: 'app.agency.com' });
    expect(() => {
      (config as { appBaseUrl: string }).appBaseUrl = 'http://elsewhere';
    }).toThrow(TypeError);
    expect(() => (config.frameAncestors as string[]).push('http://evil.example')).toThrow(TypeError);
    expect(() => {
      (config.ghl as { sharedSecret: string }).sharedSecret = 'x';
    }).toThrow(TypeError);
    const moved = withAppBaseUrl(config, 'http://127.0.0.1:4321');
    expect(moved.appBaseUrl).toBe('http://127.0.0.1:4321');
    expect(config.appBaseUrl).toBe('http://localhost:3000');
    expect(Object.isFrozen(moved)).toBe(true);
  });

  it('applies the documented defaults', () => {
    const c = loadConfig(valid);
    expect(c.port).toBe(3000);
    expect(c.databaseUrl).toBeUndefined();
    expect(c.dataDir).toBe('./.data');
    expect(c.appBaseUrl).toBe('http://localhost:3000');
    expect(c.ghl.apiBaseUrl).toBe('https://services.leadconnectorhq.com');
    expect(c.ghl.marketplaceUrl).toBe('https://marketplace.gohighlevel.com');
    expect(c.ghl.webhookEd25519PublicKey).toContain('MCowBQYDK2VwAyEA');
    expect(c.role).toBe('all');
    expect(c.tokenEncryptionKey.length).toBe(32);
  });

  it('accepts PEM keys written with \\n escapes', () => {
    const oneLine =
      '-----BEGIN PUBLIC KEY-----\\nMCowBQYDK2VwAyEAi2HR1srL4o18O8BRa7gVJY7G7bupbN3H9AwJrHCDiOg=\\n-----END PUBLIC KEY-----';
    const c = loadConfig({
      ...valid,
      GHL_WEBHOOK_ED25519_PUBLIC_KEY: oneLine,
      APP_BASE_URL: 'https://rb.example.com/',
    });
    expect(c.ghl.webhookEd25519PublicKey.split('\n')).toHaveLength(3);
    expect(c.appBaseUrl).toBe('https://rb.example.com');
  });

  it('refuses weak token keys: all zeros, one byte repeated, a short repeating pattern', () => {
    const weak = [
      Buffer.alloc(32),
      Buffer.alloc(32, 7),
      Buffer.from('0123456789abcdef0123456789abcdef'),
      Buffer.from('abcdabcdabcdabcdabcdabcdabcdabcd'),
    ];
    for (const key of weak) {
      expect(problems({ ...valid, TOKEN_ENCRYPTION_KEY: key.toString('base64') })).toEqual([
        'TOKEN_ENCRYPTION_KEY: is a weak key: generate one with `openssl rand -base64 32`',
      ]);
    }
  });

  it('reads TOKEN_ENCRYPTION_KEYS as id:key pairs, the first current, in place of TOKEN_ENCRYPTION_KEY', () => {
    const k1 = valid.TOKEN_ENCRYPTION_KEY;
    const k2 = 'dGhlIHNlY29uZCBrZXkgb2YgcmluZ2JhY2sncyB0ZXM=';
    const { TOKEN_ENCRYPTION_KEY: _, ...rest } = valid;
    const c = loadConfig({ ...rest, TOKEN_ENCRYPTION_KEYS: `new:${k2}, old:${k1}` });
    expect(c.tokenKeys.map((k) => k.id)).toEqual(['new', 'old']);
    expect(c.tokenEncryptionKey.toString('base64')).toBe(k2);
    expect(problems({ ...rest, TOKEN_ENCRYPTION_KEYS: `a:${k1},a:${k2}` })).toEqual([
      'TOKEN_ENCRYPTION_KEYS: key ids must differ',
    ]);
    expect(problems({ ...rest, TOKEN_ENCRYPTION_KEYS: `a:${Buffer.alloc(32).toString('base64')}` })[0]).toMatch(
      /weak key/,
    );
  });

  it('trusts no proxy by default, serves no metrics without a token, and takes RSA verification off with "off"', () => {
    const c = loadConfig(valid);
    expect(c.trustProxy).toBe('none');
    expect(c.metricsToken).toBeUndefined();
    expect(c.retention).toEqual({ inboxDays: 7, uninstalledDays: 30 });
    expect(c.ghl.webhookRsaPublicKey).toContain('BEGIN PUBLIC KEY');
    expect(loadConfig({ ...valid, GHL_WEBHOOK_RSA_PUBLIC_KEY: 'off' }).ghl.webhookRsaPublicKey).toBeNull();
  });
});
