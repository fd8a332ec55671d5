import { z } from 'zod';

/** GHL's published webhook keys (docs/ghl-webhooks.md, signatures); deployments may override them. */
export const GHL_RSA_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MIICIjANBgkqhkiG9w0BAQEFAAOCAg8AMIICCgKCAgEAokvo/r9tVgcfZ5DysOSC
Frm602qYV0MaAiNnX9O8KxMbiyRKWeL9JpCpVpt4XHIcBOK4u3cLSqJGOLaPuXw6
dO0t6Q/ZVdAV5Phz+ZtzPL16iCGeK9po6D6JHBpbi989mmzMryUnQJezlYJ3DVfB
csedpinheNnyYeFXolrJvcsjDtfAeRx5ByHQmTnSdFUzuAnC9/GepgLT9SM4nCpv
uxmZMxrJt5Rw+VUaQ9B8JSvbMPpez4peKaJPZHBbU3OdeCVx5klVXXZQGNHOs8gF
3kvoV5rTnXV0IknLBXlcKKAQLZcY/Q9rG6Ifi9c+5vqlvHPCUJFT5XUGG5RKgOKU
J062fRtN+rLYZUV+BjafxQauvC8wSWeYja63VSUruvmNj8xkx2zE/Juc+yjLjTXp
IocmaiFeAO6fUtNjDeFVkhf5LNb59vECyrHD2SQIrhgXpO4Q3dVNA5rw576PwTzN
h/AMfHKIjE4xQA1SZuYJmNnmVZLIZBlQAF9Ntd03rfadZ+yDiOXCCs9FkHibELhC
HULgCsnuDJHcrGNd5/Ddm5hxGQ0ASitgHeMZ0kcIOwKDOzOU53lDza6/Y09T7sYJ
PQe7z0cvj7aE4B+Ax1ZoZGPzpJlZtGXCsu9aTEGEnKzmsFqwcSsnw3JB31IGKAyk
T1hhTiaCeIY/OwwwNUY2yvcCAwEAAQ==
-----END PUBLIC KEY-----`;

/** Community copies of GHL's Webhook Integration Guide (docs/ghl-webhooks.md, signatures); override by env. */
export const GHL_ED25519_PUBLIC_KEY = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAi2HR1srL4o18O8BRa7gVJY7G7bupbN3H9AwJrHCDiOg=
-----END PUBLIC KEY-----`;

/** PEM values may arrive with literal `\n` escapes (one-line env files); both forms are accepted. */
const pem = z
  .string()
  .transform((s) => s.replace(/\\n/g, '\n').trim())
  .refine((s) => /-----BEGIN PUBLIC KEY-----[\s\S]+-----END PUBLIC KEY-----/.test(s), 'must be a PEM public key');

const encryptionKey = z
  .string()
  .refine((s) => Buffer.from(s, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
  .refine(
    (s) => Buffer.from(s, 'base64').length !== 32 || weakKeyReason(Buffer.from(s, 'base64')) === null,
    'is a weak key: generate one with `openssl rand -base64 32`',
  );

/** `id1:base64,id2:base64`, the first the current key (docs/security.md, key rotation). */
const encryptionKeys = z
  .string()
  .transform((s) =>
    s
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
  )
  .refine(
    (parts) => parts.length > 0 && parts.every((p) => /^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9+/=]+$/.test(p)),
    'must be id:base64 pairs, comma-separated',
  )
  .transform((parts) =>
    parts.map((p) => ({ id: p.slice(0, p.indexOf(':')), key: Buffer.from(p.slice(p.indexOf(':') + 1), 'base64') })),
  )
  .refine((keys) => keys.every((k) => k.key.length === 32), 'each key must be 32 bytes, base64-encoded')
  .refine(
    (keys) => keys.every((k) => k.key.length !== 32 || weakKeyReason(k.key) === null),
    'holds a weak key: generate each with `openssl rand -base64 32`',
  )
  .refine((keys) => new Set(keys.map((k) => k.id)).size === keys.length, 'key ids must differ');

/** `TRUST_PROXY` as express reads `trust proxy`: none by default, a hop count, or addresses and subnets. */
const trustProxy = z
  .string()
  .default('none')
  .refine(
    (s) => /^(none|false|\d{1,2}|[A-Za-z0-9.:/, ]+)$/.test(s.trim()),
    'must be none, a hop count, or addresses/subnets (loopback, 10.0.0.0/8, …)',
  );

const urlNoSlash = z.url().transform((s) => s.replace(/\/+$/, ''));

const base = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATABASE_URL: z
    .string()
    .refine((s) => s === 'memory://' || /^postgres(ql)?:\/\//.test(s), 'must be postgres://… or memory://')
    .optional(),
  DATA_DIR: z.string().min(1).default('./.data'),
  APP_BASE_URL: urlNoSlash.optional(),
  GHL_CLIENT_ID: z.string().min(1),
  GHL_CLIENT_SECRET: z.string().min(1),
  GHL_SHARED_SECRET: z.string().min(1),
  GHL_API_BASE_URL: urlNoSlash.default('https://services.leadconnectorhq.com'),
  GHL_MARKETPLACE_URL: urlNoSlash.default('https://marketplace.gohighlevel.com'),
  GHL_WEBHOOK_ED25519_PUBLIC_KEY: pem.default(GHL_ED25519_PUBLIC_KEY),
  // `off`: GHL signs with Ed25519 alone now (docs/security.md); a legacy RSA signature then proves nothing.
  GHL_WEBHOOK_RSA_PUBLIC_KEY: z.union([z.literal('off'), pem]).default(GHL_RSA_PUBLIC_KEY),
  TOKEN_ENCRYPTION_KEY: encryptionKey,
  TOKEN_ENCRYPTION_KEYS: encryptionKeys.optional(),
  TRUST_PROXY: trustProxy,
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  RETENTION_INBOX_DAYS: z.coerce.number().int().min(1).max(3650).default(7),
  RETENTION_UNINSTALLED_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
  SESSION_SECRET: z.string().min(16, 'must be at least 16 characters'),
  /** How often each location's call messages are swept for lost webhooks (docs/ghl-reconciliation.md); 0: never. */
  SWEEP_INTERVAL_MS: z.coerce.number().int().min(0).default(300_000),
  /**
   * How long a job may stay 'running' before another worker presumes its process dead and takes it back. It
   * must exceed the longest job (GHL calls are bounded at about 13 s); the kill -9 tests shorten it.
   */
  JOB_STALE_AFTER_MS: z.coerce
    .number()
    .int('must be a whole number of milliseconds, at least 1000')
    .min(1000, 'must be a whole number of milliseconds, at least 1000')
    .default(300_000),
  ROLE: z.enum(['all', 'web', 'worker']).default('all'),
  /** ROLE=all on Postgres: the worker in a thread of its own (src/jobs/thread-host.ts), or on the web's loop. */
  WORKER_THREAD: z.enum(['on', 'off']).default('on'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Extension: white-label domains allowed to embed the settings page, comma-separated. */
  WHITE_LABEL_DOMAINS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((d) => d.trim())
        .filter(Boolean),
    )
    // They end up in a Content-Security-Policy header: nothing but a host (optionally *. and a port) gets there.
    .refine(
      (list) => list.every((d) => /^(https?:\/\/)?(\*\.)?[A-Za-z0-9.-]+(:\d+)?\/?$/.test(d)),
      'must be domains such as app.myagency.com, comma-separated',
    ),
  /** Extension: more origins allowed to frame the settings page (the local sandbox, a demo), comma-separated. */
  EXTRA_FRAME_ANCESTORS: z
    .string()
    .default('')
    .transform((s) =>
      s
        .split(',')
        .map((d) => d.trim().replace(/\/+$/, ''))
        .filter(Boolean),
    )
    .refine(
      (list) => list.every((o) => /^https?:\/\/[^\s/'";,]+$/.test(o)),
      'must be origins such as http://127.0.0.1:4000',
    ),
});

export interface Config {
  port: number;
  databaseUrl: string | undefined;
  dataDir: string;
  appBaseUrl: string;
  ghl: {
    clientId: string;
    clientSecret: string;
    sharedSecret: string;
    apiBaseUrl: string;
    marketplaceUrl: string;
    webhookEd25519PublicKey: string;
    /** null: RSA verification is off (`GHL_WEBHOOK_RSA_PUBLIC_KEY=off`), only Ed25519 decides. */
    webhookRsaPublicKey: string | null;
  };
  /** The current key: new ciphertexts are written with it. */
  tokenEncryptionKey: Buffer;
  /** Every key that may read a stored token, the current one first (src/ghl/crypto.ts). */
  tokenKeys: readonly TokenKey[];
  /** express's `trust proxy`: which peers may name the client in X-Forwarded-For (src/http/client-address.ts). */
  trustProxy: string;
  /** Bearer token of GET /metrics; unset: /metrics answers 404. */
  metricsToken: string | undefined;
  retention: { inboxDays: number; uninstalledDays: number };
  sessionSecret: string;
  role: 'all' | 'web' | 'worker';
  /** ROLE=all on Postgres runs its worker in a thread of its own. */
  workerThread: boolean;
  /** Lost-webhook sweep period per location; 0 turns the sweep off. */
  sweepIntervalMs: number;
  /** How long a job may run before another worker takes it back (src/jobs/worker.ts). */
  jobStaleAfterMs: number;
  logLevel: string;
  whiteLabelDomains: readonly string[];
  /**
   * Origins, beyond GHL's own, that may frame the settings page and answer its REQUEST_USER_DATA: each
   * white-label domain as https://domain, then EXTRA_FRAME_ANCESTORS. Tests and the demo may append the sandbox.
   */
  frameAncestors: readonly string[];
}

export interface TokenKey {
  id: string;
  key: Buffer;
}

/**
 * Why a 32-byte key is too weak to trust, or null. A key typed by hand or padded out (all zeros, one byte
 * repeated, a short pattern) has far fewer than 256 bits; random keys have about 32 distinct bytes in 32.
 */
export function weakKeyReason(key: Buffer): string | null {
  const distinct = new Set(key).size;
  if (distinct <= 1) return 'every byte is the same';
  if (distinct < 12) return `only ${distinct} distinct bytes`;
  for (const period of [2, 4, 8, 16]) {
    if (key.subarray(period).equals(key.subarray(0, key.length - period))) return `repeats every ${period} bytes`;
  }
  return null;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.join('\n')}`);
  }
}

/**
 * Pure: reads the given environment object, never `process.env`. Throws ConfigError listing every problem.
 * The config is frozen, nested values included: whoever needs another value builds another config.
 */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  // TOKEN_ENCRYPTION_KEYS (rotation) stands in for the single key; one of the two is required.
  const schema = cleaned.TOKEN_ENCRYPTION_KEYS ? base.extend({ TOKEN_ENCRYPTION_KEY: encryptionKey.optional() }) : base;
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const name = String(i.path[0] ?? '?');
      const missing = i.code === 'invalid_type' && cleaned[name] === undefined;
      return missing ? `${name}: required` : `${name}: ${i.message}`;
    });
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  const tokenKeys =
    e.TOKEN_ENCRYPTION_KEYS ??
    (e.TOKEN_ENCRYPTION_KEY ? [{ id: 'k1', key: Buffer.from(e.TOKEN_ENCRYPTION_KEY, 'base64') }] : []);
  const current = tokenKeys[0] as TokenKey;
  return deepFreeze({
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir: e.DATA_DIR,
    appBaseUrl: e.APP_BASE_URL ?? `http://localhost:${e.PORT}`,
    ghl: {
      clientId: e.GHL_CLIENT_ID,
      clientSecret: e.GHL_CLIENT_SECRET,
      sharedSecret: e.GHL_SHARED_SECRET,
      apiBaseUrl: e.GHL_API_BASE_URL,
      marketplaceUrl: e.GHL_MARKETPLACE_URL,
      webhookEd25519PublicKey: e.GHL_WEBHOOK_ED25519_PUBLIC_KEY,
      webhookRsaPublicKey: e.GHL_WEBHOOK_RSA_PUBLIC_KEY === 'off' ? null : e.GHL_WEBHOOK_RSA_PUBLIC_KEY,
    },
    tokenEncryptionKey: current.key,
    tokenKeys,
    trustProxy: e.TRUST_PROXY.trim(),
    metricsToken: e.METRICS_TOKEN,
    retention: { inboxDays: e.RETENTION_INBOX_DAYS, uninstalledDays: e.RETENTION_UNINSTALLED_DAYS },
    sessionSecret: e.SESSION_SECRET,
    role: e.ROLE,
    workerThread: e.WORKER_THREAD === 'on',
    sweepIntervalMs: e.SWEEP_INTERVAL_MS,
    jobStaleAfterMs: e.JOB_STALE_AFTER_MS,
    logLevel: e.LOG_LEVEL,
    whiteLabelDomains: e.WHITE_LABEL_DOMAINS,
    frameAncestors: [...e.WHITE_LABEL_DOMAINS.map(domainOrigin), ...e.EXTRA_FRAME_ANCESTORS],
  });
}

/** The same config served at another address (a runtime listening on port 0 learns its own only then). */
export function withAppBaseUrl(config: Config, appBaseUrl: string): Config {
  return deepFreeze({ ...config, appBaseUrl });
}

/** Buffers (the token keys) cannot be frozen; nothing hands them out to be written. */
function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || ArrayBuffer.isView(value) || Object.isFrozen(value)) return value;
  for (const v of Object.values(value)) deepFreeze(v);
  return Object.freeze(value);
}

/** `app.agency.com` → `https://app.agency.com`; a value given with its scheme is kept; `*.agency.com` stays a wildcard. */
function domainOrigin(domain: string): string {
  const bare = domain.replace(/\/+$/, '');
  return /^https?:\/\//.test(bare) ? bare : `https://${bare}`;
}
