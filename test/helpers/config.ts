import { type Config, loadConfig } from '../../src/config.js';

export const TEST_CLIENT_ID = 'ringback-app-id-test';
export const TEST_CLIENT_SECRET = 'test-client-secret';
export const TEST_SHARED_SECRET = 'test-shared-secret';

/** Config built in code, as demo and tests do; the environment is never read. */
export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    GHL_CLIENT_ID: TEST_CLIENT_ID,
    GHL_CLIENT_SECRET: TEST_CLIENT_SECRET,
    GHL_SHARED_SECRET: TEST_SHARED_SECRET,
    TOKEN_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
    SESSION_SECRET: 'test-session-secret-0123456789',
    LOG_LEVEL: 'silent',
    DATABASE_URL: 'memory://',
    ...overrides,
  });
}
