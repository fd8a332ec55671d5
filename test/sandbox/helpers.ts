import { GHL_SCOPES } from '../../src/ghl/scopes.js';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { ManualClock } from '../../src/clock.js';
import { createSandbox, type Sandbox, type SandboxOptions, type TokenResponse } from '../../src/sandbox/index.js';
import { LOCATION_ID } from '../../src/sandbox/seed.js';

export const CREDS = { clientId: 'app123-sandboxtest', clientSecret: 'shh-secret', sharedSecret: 'sso-shared-secret' };

export async function startSandbox(
  extra: Partial<SandboxOptions> = {},
): Promise<{ sandbox: Sandbox; clock: ManualClock }> {
  const clock = new ManualClock('2026-01-05T15:00:00Z');
  const sandbox = await createSandbox({ clock, ...CREDS, appBaseUrl: 'http://127.0.0.1:1', ...extra });
  return { sandbox, clock };
}

export function form(values: Record<string, string>): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(values).toString(),
  };
}

/** Runs the install: chooselocation, then the code exchange, as the app's callback would. */
export async function install(
  sandbox: Sandbox,
  query: Record<string, string> = {},
  redirectUri = 'http://127.0.0.1:1/oauth/callback',
): Promise<TokenResponse> {
  const params = new URLSearchParams({
    response_type: 'code',
    redirect_uri: redirectUri,
    client_id: CREDS.clientId,
    // Every scope Ringback asks for: the sandbox refuses a call whose scope the install lacks.
    scope: GHL_SCOPES.join(' '),
    locationId: LOCATION_ID,
    ...query,
  });
  const res = await fetch(`${sandbox.url}/v2/oauth/chooselocation?${params}`, { redirect: 'manual' });
  const code = new URL(res.headers.get('location') ?? '').searchParams.get('code') ?? '';
  const token = await fetch(
    `${sandbox.url}/oauth/token`,
    form({ ...clientForm(), grant_type: 'authorization_code', code }),
  );
  return (await token.json()) as TokenResponse;
}

export function clientForm(): Record<string, string> {
  return { client_id: CREDS.clientId, client_secret: CREDS.clientSecret };
}

export function api(sandbox: Sandbox, token: string, version: string) {
  return (path: string, init: { method?: string; body?: unknown } = {}) =>
    fetch(`${sandbox.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${token}`,
        version,
        ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
}

export interface Received {
  headers: IncomingHttpHeaders;
  raw: Buffer;
}

/** A stand-in for Ringback's webhook route: keeps raw bodies and answers with the queued statuses (then 200). */
export async function startReceiver(statuses: number[] = []) {
  const received: Received[] = [];
  const app = express();
  app.post('/webhooks/ghl', express.raw({ type: '*/*' }), (req, res) => {
    received.push({ headers: req.headers, raw: req.body as Buffer });
    res.status(statuses.shift() ?? 200).json({ ok: true });
  });
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return { url, received, statuses, close };
}
