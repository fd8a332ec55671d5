import { afterAll, describe, expect, it } from 'vitest';
import { decryptToken } from '../../src/ghl/crypto.js';
import { mayaSso } from '../helpers/session-api.js';
import { TEST_CLIENT_SECRET, TEST_SHARED_SECRET } from '../helpers/config.js';
import { type EngineStack, LOCATION_ID, MIN, PHONES, startEngineStack, TRACKING_NUMBERS } from '../helpers/engine.js';
import { captureLogger } from '../helpers/logger.js';
import { installVia } from '../helpers/stack.js';

let s: EngineStack | undefined;
afterAll(async () => {
  await s?.close();
});

/** The location's current tokens, decrypted as the vault does. */
async function tokensOf(stack: EngineStack): Promise<string[]> {
  const row = await stack.rt.db.db
    .selectFrom('installations')
    .select(['access_token_enc', 'refresh_token_enc'])
    .where('location_id', '=', LOCATION_ID)
    .executeTakeFirstOrThrow();
  const key = stack.rt.deps.config.tokenEncryptionKey;
  return [row.access_token_enc, row.refresh_token_enc]
    .filter((v): v is string => !!v)
    .map((v) => decryptToken(key, v, LOCATION_ID));
}

describe('secrets in the logs', () => {
  it('an install, a refresh, webhooks, GHL faults and a settings session log none of the tokens, codes or payloads', async () => {
    const { logger, lines } = captureLogger('trace');
    const stack = await startEngineStack({ logger });
    s = stack;
    const secrets: string[] = [TEST_CLIENT_SECRET, TEST_SHARED_SECRET, stack.rt.deps.config.sessionSecret];
    secrets.push(...(await tokensOf(stack)));
    // A second install: its OAuth code travels in the callback's query string.
    const again = await installVia(stack, { locationId: LOCATION_ID });
    secrets.push(new URL(again.callbackUrl).searchParams.get('code') ?? 'missing-code', ...(await tokensOf(stack)));

    // A missed call with GHL misbehaving, then an expired token that forces a refresh (a new pair).
    stack.sandbox.faults.add({ method: 'POST', path: '/conversations/messages', kind: '5xx', times: 3 });
    stack.sandbox.faults.add({ method: 'GET', path: /^\/contacts\//, kind: 'malformed', times: 2 });
    const call = await stack.sandbox.phone.placeCall({
      locationId: LOCATION_ID,
      from: PHONES.jane,
      to: TRACKING_NUMBERS.facebook,
      outcome: 'voicemail',
    });
    await stack.settle();
    stack.sandbox.expireTokens(LOCATION_ID);
    await stack.at(3 * MIN);
    await stack.advance(15 * MIN);
    secrets.push(...(await tokensOf(stack)));
    for (const d of stack.sandbox.store.deliveries())
      secrets.push(...Object.values(d.headers).filter((v) => v.length > 40));

    // The settings page's session: the encrypted SSO payload in, a JWT out, then API calls good and bad.
    const payload = mayaSso(stack);
    const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
      fetch(`${stack.url}${path}`, {
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json', ...headers },
      });
    const session = (await (await post('/api/session', { payload })).json()) as { token: string };
    secrets.push(payload, session.token);
    const auth = { authorization: `Bearer ${session.token}` };
    expect((await fetch(`${stack.url}/api/settings`, { headers: auth })).status).toBe(200);
    await fetch(`${stack.url}/api/settings`, {
      method: 'PUT',
      body: '{"enabled":"yes"}',
      headers: { ...auth, 'content-type': 'application/json' },
    });
    await fetch(`${stack.url}/api/settings`, {
      headers: { authorization: `Bearer ${session.token.slice(0, -4)}AAAA` },
    });
    await post('/api/session', { payload: `${payload.slice(0, -8)}AAAAAAAA` });
    await fetch(`${stack.url}/oauth/callback?code=${encodeURIComponent(secrets[3] ?? '')}`);

    const log = lines.join('');
    const tokenCount = secrets.length;
    // The session really happened, GHL really refreshed, and the logs are not empty by accident.
    expect(stack.sent(call.contactId).sms).toHaveLength(1);
    expect(new Set(secrets).size).toBeGreaterThan(10);
    expect(lines.length).toBeGreaterThan(10);
    const leaked = secrets.filter(
      (secret) => log.includes(secret) || (secret.length > 24 && log.includes(secret.slice(0, 24))),
    );
    expect(leaked, `${leaked.length} of ${tokenCount} secrets found in ${lines.length} log lines`).toEqual([]);
    expect(log).not.toMatch(/Bearer [A-Za-z0-9._-]{10,}/);
  });
});
