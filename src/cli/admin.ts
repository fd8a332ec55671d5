/**
 * Operator commands on the database the environment names (the same variables as `npm start`):
 * - `npm run keys:rotate`: every stored token re-encrypted with the first of TOKEN_ENCRYPTION_KEYS;
 * - `npm run data:forget -- <locationId>`: an uninstalled location's contact data deleted now, not after
 *   RETENTION_UNINSTALLED_DAYS.
 * Like main.ts, a composition root: it reads process.env and owns the process.
 */
import { ConfigError, loadConfig } from '../config.js';
import { createDb } from '../db/create-db.js';
import { migrate } from '../db/migrate.js';
import { rotateAllTokens } from '../ghl/token-keys.js';
import { forgetLocation } from '../retention/retention.js';

const [command, ...args] = process.argv.slice(2);

function fail(line: string, code = 1): never {
  process.stderr.write(`${line}\n`);
  process.exit(code);
}

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (err instanceof ConfigError) fail(err.problems.map((p) => `config: ${p}`).join('\n'));
  throw err;
}

const db = await createDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
try {
  await migrate(db.db);
  if (command === 'keys:rotate') {
    const n = await rotateAllTokens(db.db, config.tokenKeys);
    process.stdout.write(`keys:rotate: ${n} row(s) re-encrypted with key "${config.tokenKeys[0]?.id}"\n`);
  } else if (command === 'data:forget') {
    const locationId = args[0];
    if (!locationId) fail('usage: npm run data:forget -- <locationId>', 2);
    const row = await db.db
      .selectFrom('installations')
      .select('status')
      .where('location_id', '=', locationId)
      .executeTakeFirst();
    if (row?.status === 'installed') fail(`data:forget: ${locationId} is installed; uninstall Ringback there first`);
    await forgetLocation(db.db, locationId);
    process.stdout.write(`data:forget: contact data of ${locationId} deleted\n`);
  } else {
    fail('usage: tsx src/cli/admin.ts keys:rotate | data:forget <locationId>', 2);
  }
} finally {
  await db.close();
}
