import { afterEach, describe, expect, it } from 'vitest';
import { type Stack, startStack } from '../helpers/stack.js';

let stack: Stack;
afterEach(() => stack?.close());

describe('GET /oauth/installedLocations', () => {
  it('pages to the end when GHL leaves out the optional count', async () => {
    stack = await startStack({ sandbox: { installedLocationsCount: false } });
    for (let i = 0; i < 130; i++) stack.sandbox.addLocation({ companyId: 'comp_many', installed: true });
    const { access_token } = stack.sandbox.issueTokens({ companyId: 'comp_many' });
    const { oauth } = stack.rt.deps.ghlAuth;
    const listed = await oauth.installedLocations(access_token, 'comp_many');
    expect(listed).toHaveLength(130);
    expect(new Set(listed.map((l) => l.id)).size).toBe(130);
  });
});
