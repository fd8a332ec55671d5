/**
 * Issue 15, point 5: a wrong TOKEN_ENCRYPTION_KEY stops start-up with one clear line instead of every GHL step
 * failing later; keys rotate (TOKEN_ENCRYPTION_KEYS, first current): old ciphertexts, the pre-rotation format
 * included, are read and written again with the current key, and `npm run keys:rotate` rewrites the rest.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { decryptToken, encryptToken } from '../../src/ghl/crypto.js';
import type { Runtime } from '../../src/runtime.js';
import { createSandbox, type Sandbox } from '../../src/sandbox/index.js';
import { LOCATION_2_ID, LOCATION_ID } from '../../src/sandbox/seed.js';
import { TEST_CLIENT_ID, TEST_CLIENT_SECRET, TEST_SHARED_SECRET, TEST_TOKEN_KEY } from '../helpers/config.js';
import { freshPostgresUrl, onPostgres } from '../helpers/db.js';
import { installVia, startRingback } from '../helpers/stack.js';

const K1 = Buffer.from(TEST_TOKEN_KEY, 'base64');
const K2 = 'dGhlIHNlY29uZCBrZXkgb2YgcmluZ2JhY2sncyB0ZXM=';
const WRONG = 'c29tZSBvdGhlciBrZXkgdGhhdCBkb2VzIG5vdCBmaXQ=';

let sandbox: Sandbox;
let clock: ManualClock;
let dataDir: string;
let databaseUrl: string;

/** A database that outlives one runtime: a PGlite folder, or a Postgres database. */
function storage(): Record<string, string> {
  return onPostgres ? { DATABASE_URL: databaseUrl } : { DATABASE_URL: '', DATA_DIR: dataDir };
}

async function ringback(env: Record<string, string>): Promise<Runtime> {
  const { rt } = await startRingback({
    sandbox,
    clock,
    databaseUrl: onPostgres ? databaseUrl : '',
    env: { ...storage(), ...env },
  });
  sandbox.setAppBaseUrl(rt.url ?? '');
  return rt;
}

function tokensOf(rt: Runtime, locationId: string) {
  return rt.db.db
    .selectFrom('installations')
    .select(['access_token_enc', 'refresh_token_enc'])
    .where('location_id', '=', locationId)
    .executeTakeFirstOrThrow();
}

function cli(args: string[], env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', ...args], {
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      GHL_CLIENT_ID: TEST_CLIENT_ID,
      GHL_CLIENT_SECRET: TEST_CLIENT_SECRET,
      GHL_SHARED_SECRET: TEST_SHARED_SECRET,
      SESSION_SECRET: 'test-session-secret-0123456789',
      GHL_API_BASE_URL: sandbox.url,
      PORT: '0',
      LOG_LEVEL: 'silent',
      ...storage(),
      ...env,
    },
  });
}

beforeAll(async () => {
  clock = new ManualClock('2026-01-05T15:00:00Z');
  sandbox = await createSandbox({
    clock,
    clientId: TEST_CLIENT_ID,
    clientSecret: TEST_CLIENT_SECRET,
    sharedSecret: TEST_SHARED_SECRET,
  });
  dataDir = mkdtempSync(join(tmpdir(), 'ringback-keys-'));
  databaseUrl = onPostgres ? await freshPostgresUrl() : '';
});
afterAll(async () => {
  await sandbox?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('token encryption keys', () => {
  it('rotates: old rows stay readable, are rewritten when read and by keys:rotate; a wrong key stops start-up', {
    timeout: 180_000,
  }, async () => {
    // 1. Installed under the first key; one row then put back into the pre-rotation format (v1, no key id).
    const first = await ringback({});
    const asStack = { sandbox, rt: first, url: first.url ?? '', clock, databaseUrl, close: async () => {} };
    for (const locationId of [LOCATION_ID, LOCATION_2_ID])
      expect((await installVia(asStack, { locationId })).status).toBe(200);
    const sealed = await tokensOf(first, LOCATION_ID);
    expect(sealed.access_token_enc).toMatch(/^v2:k1:/);
    const legacy = (v: string | null) =>
      v === null ? null : encryptToken(K1, decryptToken(K1, v, LOCATION_2_ID), LOCATION_2_ID);
    const two = await tokensOf(first, LOCATION_2_ID);
    await first.db.db
      .updateTable('installations')
      .set({ access_token_enc: legacy(two.access_token_enc), refresh_token_enc: legacy(two.refresh_token_enc) })
      .where('location_id', '=', LOCATION_2_ID)
      .execute();
    await first.close();

    // 2. A wrong key: start-up refuses, and npm start says so in one line.
    await expect(ringback({ TOKEN_ENCRYPTION_KEY: WRONG })).rejects.toThrow(
      /TOKEN_ENCRYPTION_KEY does not decrypt the tokens stored/,
    );
    const start = cli(['src/main.ts'], { TOKEN_ENCRYPTION_KEY: WRONG });
    expect(start.status).toBe(1);
    expect(start.stderr.trim().split('\n')).toHaveLength(1);
    expect(start.stderr).toMatch(/^ringback: TOKEN_ENCRYPTION_KEY does not decrypt the tokens stored in the database/);

    // 3. A new key first, the old one kept: GHL calls work, and a row read is rewritten with the new key.
    const rotated = await ringback({ TOKEN_ENCRYPTION_KEYS: `k2:${K2},k1:${TEST_TOKEN_KEY}` });
    expect(await rotated.deps.ghl?.listUsers(LOCATION_ID)).toHaveLength(3);
    expect((await tokensOf(rotated, LOCATION_ID)).access_token_enc).toMatch(/^v2:k2:/);
    expect((await tokensOf(rotated, LOCATION_2_ID)).access_token_enc).toMatch(/^v1:/);
    await rotated.close();

    // 4. The command rewrites what was not read.
    const cmd = cli(['src/cli/admin.ts', 'keys:rotate'], { TOKEN_ENCRYPTION_KEYS: `k2:${K2},k1:${TEST_TOKEN_KEY}` });
    expect(cmd.stderr).toBe('');
    expect(cmd.stdout).toMatch(/keys:rotate: [1-9]\d* row\(s\) re-encrypted with key "k2"/);

    // 5. The old key can go.
    const last = await ringback({ TOKEN_ENCRYPTION_KEYS: `k2:${K2}` });
    for (const loc of [LOCATION_ID, LOCATION_2_ID]) {
      const row = await tokensOf(last, loc);
      expect(row.access_token_enc).toMatch(/^v2:k2:/);
      expect(row.refresh_token_enc).toMatch(/^v2:k2:/);
    }
    expect(await last.deps.ghl?.listUsers(LOCATION_2_ID)).toHaveLength(3);
    await last.close();
  });
});
