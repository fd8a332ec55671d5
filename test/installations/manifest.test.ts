import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GHL_SCOPES } from '../../src/ghl/scopes.js';

const manifest = JSON.parse(readFileSync(new URL('../../marketplace-manifest.json', import.meta.url), 'utf8'));

describe('marketplace-manifest.json', () => {
  it('asks for exactly the scopes the install URL asks for', () => {
    expect([...manifest.oauth.allowedScopes].sort()).toEqual([...GHL_SCOPES].sort());
  });

  it('subscribes to every event the webhook route understands, and names the routes of the contract', () => {
    const events = manifest.webhooks.subscribedEvents.map((e: { name: string }) => e.name);
    for (const e of [
      'InboundMessage',
      'OutboundMessage',
      'AppointmentCreate',
      'AppointmentUpdate',
      'TaskComplete',
      'ContactDndUpdate',
      'LocationUpdate',
      'ContactDelete',
      'UserCreate',
      'UserDelete',
    ]) {
      expect(events).toContain(e);
    }
    expect(manifest.oauth.redirectUris).toEqual(['{APP_BASE_URL}/oauth/callback']);
    expect(manifest.webhooks.webhookUrl).toBe('{APP_BASE_URL}/webhooks/ghl');
    expect(manifest.customPages[0].url).toBe('{APP_BASE_URL}/app');
  });
});
