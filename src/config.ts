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
  .refine((s) => Buffer.from(s, 'base64').length === 32, 'must be 32 bytes, base64-encoded');

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
  GHL_WEBHOOK_RSA_PUBLIC_KEY: pem.default(GHL_RSA_PUBLIC_KEY),
  TOKEN_ENCRYPTION_KEY: encryptionKey,
  SESSION_SECRET: z.string().min(16, 'must be at least 16 characters'),
  ROLE: z.enum(['all', 'web', 'worker']).default('all'),
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
    .refine((list) => list.every((o) => /^https?:\/\/[^\s/'";,]+$/.test(o)), 'must be origins such as http://127.0.0.1:4000'),
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
    webhookRsaPublicKey: string;
  };
  tokenEncryptionKey: Buffer;
  sessionSecret: string;
  role: 'all' | 'web' | 'worker';
  logLevel: string;
  whiteLabelDomains: string[];
  /**
   * Origins, beyond GHL's own, that may frame the settings page and answer its REQUEST_USER_DATA: each
   * white-label domain as https://domain, then EXTRA_FRAME_ANCESTORS. Tests and the demo may append the sandbox.
   */
  frameAncestors: string[];
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.join('\n')}`);
  }
}

/** Pure: reads the given environment object, never `process.env`. Throws ConfigError listing every problem. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = base.safeParse(cleaned);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => {
      const name = String(i.path[0] ?? '?');
      const missing = i.code === 'invalid_type' && cleaned[name] === undefined;
      return missing ? `${name}: required` : `${name}: ${i.message}`;
    });
    throw new ConfigError(problems);
  }
  const e = parsed.data;
  return {
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
      webhookRsaPublicKey: e.GHL_WEBHOOK_RSA_PUBLIC_KEY,
    },
    tokenEncryptionKey: Buffer.from(e.TOKEN_ENCRYPTION_KEY, 'base64'),
    sessionSecret: e.SESSION_SECRET,
    role: e.ROLE,
    logLevel: e.LOG_LEVEL,
    whiteLabelDomains: e.WHITE_LABEL_DOMAINS,
    frameAncestors: [...e.WHITE_LABEL_DOMAINS.map(domainOrigin), ...e.EXTRA_FRAME_ANCESTORS],
  };
}

/** `app.agency.com` → `https://app.agency.com`; a value given with its scheme is kept; `*.agency.com` stays a wildcard. */
function domainOrigin(domain: string): string {
  const bare = domain.replace(/\/+$/, '');
  return /^https?:\/\//.test(bare) ? bare : `https://${bare}`;
}
