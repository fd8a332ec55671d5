import { type Config, loadConfig } from '../../src/config.js';

export const TEST_CLIENT_ID = 'ringback-app-id-test';
export const TEST_CLIENT_SECRET = 'test-client-secret';
export const TEST_SHARED_SECRET = 'test-shared-secret';
export const TEST_METRICS_TOKEN = 'test-metrics-token-0123456789';
/** A fixed key that passes the weak-key check (sha256 of a phrase). */
export const TEST_TOKEN_KEY = 'BygWdoE9XASlZCiTVVfsnK2L2U2TiR2DX0ue9TQV3W4=';

/** Config built in code, as demo and tests do; the environment is never read. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    GHL_CLIENT_ID: TEST_CLIENT_ID,
    GHL_CLIENT_SECRET: TEST_CLIENT_SECRET,
    GHL_SHARED_SECRET: TEST_SHARED_SECRET,
    TOKEN_ENCRYPTION_KEY: TEST_TOKEN_KEY,
    SESSION_SECRET: 'test-session-secret-0123456789',
    LOG_LEVEL: 'silent',
    DATABASE_URL: 'memory://',
    // The tests' requests come through supertest or fetch on loopback, standing in for a proxy that names
    // each client in X-Forwarded-For (the hostile tests turn this off to show spoofing fails).
    TRUST_PROXY: 'loopback',
    // Metrics on, behind a token, as a deployment would run them.
    METRICS_TOKEN: TEST_METRICS_TOKEN,
    ...overrides,
  });
}
