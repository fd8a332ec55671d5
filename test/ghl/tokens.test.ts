import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GhlNotInstalledError } from '../../src/ghl/api.js';
import { decryptToken, encryptToken } from '../../src/ghl/crypto.js';
import { companyContext } from '../../src/ghl/tokens.js';
import { findInstallation } from '../../src/ghl/token-store.js';
import { upsertInstallation } from '../../src/installations/queries.js';
import { LOCATION_2_ID, LOCATION_ID } from '../../src/sandbox/seed.js';
import { onPostgres } from '../helpers/db.js';
import { captureLogger } from '../helpers/logger.js';
import { installVia, type Stack, startRingback, startStack } from '../helpers/stack.js';

const DAY_MS = 86_400_000;
const logs = captureLogger('trace');
let stack: Stack;
/** Every token we saw in the database, for the log and at-rest checks at the end. */
const seen = new Set<string>();

beforeAll(async () => {
  stack = await startStack({ logger: logs.logger });
  await installVia(stack, { locationId: LOCATION_ID });
  await installVia(stack, { locationId: LOCATION_2_ID });
});
afterAll(() => stack?.close());

const db = () => stack.rt.db.db;
const ghl = () => stack.rt.deps.ghl!;
const refreshes = (id: string) => stack.sandbox.store.refreshCount(id);

/** The plaintext tokens of an install row, remembered for the final checks. */
async function tokensOf(locationId: string): Promise<{ access: string; refresh: string | null }> {
  const row = await findInstallation(db(), locationId);
  const key = stack.rt.deps.config.tokenEncryptionKey;
  const access = decryptToken(key, row?.access_token_enc ?? '', locationId);
  const refresh = row?.refresh_token_enc ? decryptToken(key, row.refresh_token_enc, locationId) : null;
  for (const t of [access, refresh]) if (t) seen.add(t);
  return { access, refresh };
}

describe('token vault', () => {
  it('refreshes an expiring token once while 10 requests race, and stores the rotated pair', async () => {
    const old = await tokensOf(LOCATION_ID);
    const before = refreshes(LOCATION_ID);
    stack.clock.advance(DAY_MS - 30_000); // inside the 60 s margin
    const users = await Promise.all(Array.from({ length: 10 }, () => ghl().listUsers(LOCATION_ID)));
    expect(users.every((u) => u.length === 3)).toBe(true);
    expect(refreshes(LOCATION_ID)).toBe(before + 1);
    const now = await tokensOf(LOCATION_ID);
    expect(now.access).not.toBe(old.access);
    expect(now.refresh).not.toBe(old.refresh);
    const refresh = stack.sandbox.requests.filter((r) => r.path === '/oauth/token').at(-1);
    expect(refresh?.body).toMatchObject({ grant_type: 'refresh_token', user_type: 'Location' });
  });

  it('refreshes once after GHL rejects a token it considers expired (401), while 10 requests race', async () => {
    await tokensOf(LOCATION_ID);
    const before = refreshes(LOCATION_ID);
    stack.sandbox.expireTokens(LOCATION_ID);
    const all = await Promise.all(Array.from({ length: 10 }, () => ghl().getLocation(LOCATION_ID)));
    expect(all.every((l) => l.id === LOCATION_ID)).toBe(true);
    expect(refreshes(LOCATION_ID)).toBe(before + 1);
    await tokensOf(LOCATION_ID);
  });

  it('marks the install revoked when GHL refuses the refresh token, and says so to the caller', async () => {
    await tokensOf(LOCATION_2_ID);
    stack.sandbox.revokeInstall(LOCATION_2_ID);
    const err = await ghl()
      .listUsers(LOCATION_2_ID)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GhlNotInstalledError);
    expect(await findInstallation(db(), LOCATION_2_ID)).toMatchObject({
      status: 'revoked',
      access_token_enc: null,
      refresh_token_enc: null,
    });
    await expect(ghl().listUsers(LOCATION_2_ID)).rejects.toBeInstanceOf(GhlNotInstalledError);
  });

  it('re-mints a bulk-installed location from the company token (refreshing that first) when its own refresh fails', async () => {
    const loc = stack.sandbox.addLocation({ companyId: 'comp_vault', name: 'Vault Co' });
    const id = loc.location.id;
    await installVia(stack, { locationId: id, company: true });
    await tokensOf(id);
    stack.sandbox.revokeInstall(id);
    stack.sandbox.store.setInstalled(id, true);
    stack.clock.advance(DAY_MS); // the company token is expired too
    const mints = () =>
      stack.sandbox.requests.filter((r) => r.path === '/oauth/locationToken' && r.status === 200).length;
    const minted = mints();
    await expect(ghl().listUsers(id)).resolves.toHaveLength(3);
    expect(refreshes('comp_vault')).toBe(1);
    expect(mints()).toBe(minted + 1);
    expect(await findInstallation(db(), id)).toMatchObject({ status: 'installed', user_type: 'Company' });
    await tokensOf(id);
  });

  it('a pending install (INSTALL seen, no token, no company token) is not usable and stays installed', async () => {
    await db()
      .transaction()
      .execute((trx) =>
        upsertInstallation(
          trx,
          { locationId: 'loc_pending', companyId: null, userType: 'Location' },
          stack.clock.now(),
        ),
      );
    await expect(ghl().listUsers('loc_pending')).rejects.toThrow(/token pending/);
    expect(await findInstallation(db(), 'loc_pending')).toMatchObject({ status: 'installed' });
  });

  it.skipIf(!onPostgres)('two processes (two pools) racing to refresh spend the refresh token once', async () => {
    const other = await startRingback({
      sandbox: stack.sandbox,
      clock: stack.clock,
      databaseUrl: stack.databaseUrl,
      logger: logs.logger,
    });
    try {
      await tokensOf(LOCATION_ID);
      const before = refreshes(LOCATION_ID);
      stack.clock.advance(DAY_MS);
      const clients = [ghl(), other.rt.deps.ghl!];
      const calls = Array.from({ length: 20 }, (_, i) => clients[i % 2]!.listUsers(LOCATION_ID));
      expect((await Promise.all(calls)).every((u) => u.length === 3)).toBe(true);
      expect(refreshes(LOCATION_ID)).toBe(before + 1);
      stack.sandbox.expireTokens(LOCATION_ID);
      const again = Array.from({ length: 20 }, (_, i) => clients[i % 2]!.getLocation(LOCATION_ID));
      expect((await Promise.all(again)).length).toBe(20);
      expect(refreshes(LOCATION_ID)).toBe(before + 2);
      await tokensOf(LOCATION_ID);
    } finally {
      await other.rt.close();
    }
  });

  it('reuses a decrypted token until a minute before it expires, then reads the row again (a token it no longer trusts costs one 401)', async () => {
    await tokensOf(LOCATION_ID);
    await ghl().getLocation(LOCATION_ID);
    const before = refreshes(LOCATION_ID);
    const expiresAt = (await findInstallation(db(), LOCATION_ID))?.expires_at?.getTime() ?? 0;
    const key = stack.rt.deps.config.tokenEncryptionKey;
    // The row now holds a token GHL never issued, valid a day longer: only a fresh read of the row can pick it up.
    await db()
      .updateTable('installations')
      .set({
        access_token_enc: encryptToken(key, 'not-a-ghl-token', LOCATION_ID),
        expires_at: new Date(expiresAt + DAY_MS),
      })
      .where('location_id', '=', LOCATION_ID)
      .execute();
    const rejected = stack.sandbox.requests.filter((r) => r.status === 401).length;
    stack.clock.advance(expiresAt - 61_000 - stack.clock.now().getTime());
    await expect(ghl().getLocation(LOCATION_ID)).resolves.toMatchObject({ id: LOCATION_ID });
    expect(refreshes(LOCATION_ID)).toBe(before);
    expect(stack.sandbox.requests.filter((r) => r.status === 401).length).toBe(rejected);
    stack.clock.advance(2_000);
    await expect(ghl().getLocation(LOCATION_ID)).resolves.toMatchObject({ id: LOCATION_ID });
    expect(stack.sandbox.requests.filter((r) => r.status === 401).length).toBe(rejected + 1);
    expect(refreshes(LOCATION_ID)).toBe(before + 1);
    await tokensOf(LOCATION_ID);
  });

  it('keeps every token it handled encrypted at rest and out of the logs', async () => {
    const key = stack.rt.deps.config.tokenEncryptionKey;
    const company = await db().selectFrom('company_installs').selectAll().execute();
    for (const c of company)
      if (c.access_token_enc) seen.add(decryptToken(key, c.access_token_enc, companyContext(c.company_id)));
    expect(seen.size).toBeGreaterThanOrEqual(8);
    const rows = await sql<{ t: string }>`
      select row_to_json(i)::text as t from installations i
      union all select row_to_json(c)::text from company_installs c`.execute(db());
    const dump = rows.rows.map((r) => r.t).join('\n');
    const log = logs.lines.join('');
    expect(log).toContain('location token refreshed');
    for (const token of seen) {
      expect(dump).not.toContain(token);
      expect(log).not.toContain(token);
    }
  });
});
