import { afterEach, describe, expect, it } from 'vitest';
import { GHL_SCOPES } from '../../src/ghl/scopes.js';
import { LOCATION_ID, USERS } from '../../src/sandbox/seed.js';
import { installVia, type Stack, startStack } from '../helpers/stack.js';
import { authed, tokenFor } from '../settings/api-helpers.js';

let stack: Stack;
afterEach(() => stack?.close());

const POOLED = '+15550004444';

async function numbersOnPage(): Promise<{ numbers: string[]; warnings: string[] }> {
  const res = await authed(stack.rt.app, await tokenFor(stack.rt.app, LOCATION_ID, { userId: USERS.maya })).get(
    '/api/lookups',
  );
  return { numbers: res.body.numbers.map((n: { phoneNumber: string }) => n.phoneNumber), warnings: res.body.warnings };
}

describe('numbers in number pools', () => {
  it('are listed on the settings page (skipNumberPool=false)', async () => {
    stack = await startStack();
    stack.sandbox.store.numbers(LOCATION_ID).push({
      locationId: LOCATION_ID,
      phoneNumber: POOLED,
      friendlyName: 'Pool 1',
      isDefaultNumber: false,
      inNumberPool: true,
    });
    expect((await installVia(stack, { locationId: LOCATION_ID })).status).toBe(200);
    const { numbers } = await numbersOnPage();
    expect(numbers).toContain(POOLED);
    expect(numbers).toHaveLength(5);
  });

  it('leave the other numbers listed when the install lacks numberpools.read, and the page says which scope is missing', async () => {
    stack = await startStack();
    stack.sandbox.store.numbers(LOCATION_ID).push({
      locationId: LOCATION_ID,
      phoneNumber: POOLED,
      friendlyName: 'Pool 1',
      isDefaultNumber: false,
      inNumberPool: true,
    });
    const scope = GHL_SCOPES.filter((s) => s !== 'numberpools.read').join(' ');
    expect((await installVia(stack, { locationId: LOCATION_ID, scope })).status).toBe(200);
    const { numbers, warnings } = await numbersOnPage();
    expect(numbers).toHaveLength(4);
    expect(numbers).not.toContain(POOLED);
    expect(warnings.join(' ')).toContain('numberpools.read');
  });
});
