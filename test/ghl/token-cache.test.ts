import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';
import { locationHooks } from '../../src/fan-out.js';
import { GhlNotInstalledError } from '../../src/ghl/api.js';
import { createGhlAuth, createGhlClient } from '../../src/ghl/client.js';
import { findInstallation } from '../../src/ghl/token-store.js';
import type { Renewed, TokenVault } from '../../src/ghl/tokens.js';
import { handleUninstallEvent } from '../../src/installations/install.js';
import { LOCATION_2_ID, LOCATION_ID } from '../../src/sandbox/seed.js';
import { silentLogger } from '../helpers/logger.js';
import { FAST_GHL, installVia, type Stack, startStack } from '../helpers/stack.js';

const MINUTE_MS = 60_000;
const DAY_MS = 1_440 * MINUTE_MS;

/** Another Ringback instance on the same database: its own vault, so its own cache of tokens. */
function instance(stack: Stack, db: Kysely<Database> = stack.rt.db.db) {
  const deps = { db, config: stack.rt.deps.config, clock: stack.clock, logger: silentLogger, options: FAST_GHL };
  const auth = createGhlAuth(deps);
  return { ghl: createGhlClient({ ...deps, auth }), vault: auth.vault };
}

/** What an instance does when GHL answers 401 to the token it holds: asks its vault for another. */
async function refusedOnce(vault: TokenVault, locationId: string): Promise<Renewed> {
  return vault.renewLocationToken(locationId, await vault.locationToken(locationId));
}

/** The database as one instance sees it, counting the statements that read an install row. */
function countingRowReads(db: Kysely<Database>): { db: Kysely<Database>; reads: () => number } {
  let reads = 0;
  const counted = db.withPlugin({
    transformQuery({ node }) {
      if (node.kind === 'SelectQueryNode' && JSON.stringify(node.from).includes('"installations"')) reads += 1;
      return node;
    },
    transformResult: async ({ result }) => result,
  });
  return { db: counted, reads: () => reads };
}

/** 401s to the call these tests make (GET /locations/{id}). */
const rejections = (stack: Stack, locationId: string) =>
  stack.sandbox.requests.filter((r) => r.status === 401 && r.path === `/locations/${locationId}`).length;

describe.each([
  { refreshRevokesAccess: false, label: 'GHL keeps the old access token valid after a refresh' },
  { refreshRevokesAccess: true, label: 'GHL ends the old access token at a refresh' },
])('token cache ($label)', ({ refreshRevokesAccess }) => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack({ sandbox: { refreshRevokesAccess } });
    await installVia(stack, { locationId: LOCATION_ID });
    await installVia(stack, { locationId: LOCATION_2_ID });
  });
  afterAll(() => stack?.close());

  it('a location with a call every 5 minutes reads its install row once per token lifetime', async () => {
    const { db, reads } = countingRowReads(stack.rt.db.db);
    const { ghl } = instance(stack, db);
    const refreshes = stack.sandbox.store.refreshCount(LOCATION_ID);
    // Two days: the installed token's lifetime, then the refreshed one's.
    for (let t = 0; t < 2 * DAY_MS; t += 5 * MINUTE_MS) {
      await expect(ghl.getLocation(LOCATION_ID)).resolves.toMatchObject({ id: LOCATION_ID });
      stack.clock.advance(5 * MINUTE_MS);
    }
    expect(stack.sandbox.store.refreshCount(LOCATION_ID)).toBe(refreshes + 1);
    // Per lifetime: the read that fills the cache; the refresh adds its locked read. With the former 30 s cache: 577.
    expect(reads()).toBe(3);
    expect(rejections(stack, LOCATION_ID)).toBe(0);
  });

  it('a token refreshed by another instance costs at most one 401, then the new one is used', async () => {
    const mine = instance(stack).ghl;
    const other = instance(stack).vault;
    await mine.getLocation(LOCATION_ID);
    const before = await findInstallation(stack.rt.db.db, LOCATION_ID);
    const refreshes = stack.sandbox.store.refreshCount(LOCATION_ID);
    stack.clock.advance(60 * MINUTE_MS);
    await refusedOnce(other, LOCATION_ID);
    expect(stack.sandbox.store.refreshCount(LOCATION_ID)).toBe(refreshes + 1);
    const rejected = rejections(stack, LOCATION_ID);
    for (let n = 0; n < 3; n++) await expect(mine.getLocation(LOCATION_ID)).resolves.toMatchObject({ id: LOCATION_ID });
    expect(rejections(stack, LOCATION_ID) - rejected).toBe(refreshRevokesAccess ? 1 : 0);
    // Once the old token has expired, the new one comes from the row, without another refresh.
    stack.clock.advance((before?.expires_at?.getTime() ?? 0) - stack.clock.now().getTime());
    await expect(mine.getLocation(LOCATION_ID)).resolves.toMatchObject({ id: LOCATION_ID });
    expect(rejections(stack, LOCATION_ID) - rejected).toBe(refreshRevokesAccess ? 1 : 0);
    expect(stack.sandbox.store.refreshCount(LOCATION_ID)).toBe(refreshes + 1);
  });

  it("a held token and the row's both refused (GHL expired every token): a refresh, not a missing scope", async () => {
    const id = stack.sandbox.addLocation({ companyId: 'comp_stale', name: 'Stale Co' }).location.id;
    await installVia(stack, { locationId: id });
    const mine = instance(stack).ghl;
    await mine.getLocation(id);
    await refusedOnce(instance(stack).vault, id);
    const refreshes = stack.sandbox.store.refreshCount(id);
    stack.sandbox.expireTokens(id);
    const rejected = rejections(stack, id);
    await expect(mine.getLocation(id)).resolves.toMatchObject({ id });
    expect(rejections(stack, id) - rejected).toBe(2);
    expect(stack.sandbox.store.refreshCount(id)).toBe(refreshes + 1);
  });

  it('an uninstall another instance recorded costs at most one 401, then GhlNotInstalledError', async () => {
    const mine = instance(stack).ghl;
    await mine.getLocation(LOCATION_2_ID);
    // GHL uninstalls the app (its tokens stop working); another instance takes the UNINSTALL webhook.
    stack.sandbox.revokeInstall(LOCATION_2_ID);
    await stack.rt.db.db
      .transaction()
      .execute((trx) => handleUninstallEvent(trx, locationHooks, { locationId: LOCATION_2_ID }, stack.clock.now()));
    const rejected = rejections(stack, LOCATION_2_ID);
    for (let n = 0; n < 3; n++) await expect(mine.getLocation(LOCATION_2_ID)).rejects.toThrow(/uninstalled/);
    expect(rejections(stack, LOCATION_2_ID) - rejected).toBe(1);
  });

  it('an uninstall and a reinstall this instance took cost no 401', async () => {
    const id = stack.sandbox.addLocation({ companyId: 'comp_here', name: 'Here Co' }).location.id;
    await installVia(stack, { locationId: id });
    const ghl = stack.rt.deps.ghl!;
    await ghl.getLocation(id);
    const rejected = rejections(stack, id);
    await stack.sandbox.phone.uninstall({ locationId: id });
    await stack.rt.worker.drain();
    expect(await findInstallation(stack.rt.db.db, id)).toMatchObject({ status: 'uninstalled' });
    await expect(ghl.getLocation(id)).rejects.toBeInstanceOf(GhlNotInstalledError);
    await installVia(stack, { locationId: id });
    await expect(ghl.getLocation(id)).resolves.toMatchObject({ id });
    expect(rejections(stack, id) - rejected).toBe(0);
  });

  it('a revoked install another instance found costs at most one 401, then GhlNotInstalledError', async () => {
    const id = stack.sandbox.addLocation({ companyId: 'comp_cache', name: 'Cache Co' }).location.id;
    await installVia(stack, { locationId: id });
    const mine = instance(stack).ghl;
    await mine.getLocation(id);
    // The owner revoked the app in GHL; the other instance's refresh is refused and it marks the row revoked.
    stack.sandbox.revokeInstall(id);
    await expect(refusedOnce(instance(stack).vault, id)).rejects.toBeInstanceOf(GhlNotInstalledError);
    expect(await findInstallation(stack.rt.db.db, id)).toMatchObject({ status: 'revoked' });
    const rejected = rejections(stack, id);
    for (let n = 0; n < 3; n++) await expect(mine.getLocation(id)).rejects.toThrow(/revoked/);
    expect(rejections(stack, id) - rejected).toBe(1);
  });
});
