import { afterEach, describe, expect, it } from 'vitest';
import { findInstallation } from '../../src/ghl/token-store.js';
import { GHL_SCOPES } from '../../src/ghl/scopes.js';
import { LOCATION_ID, TRACKING_NUMBERS, USERS } from '../../src/sandbox/seed.js';
import { installVia, type Stack, startStack } from '../helpers/stack.js';
import { authed, tokenFor } from '../settings/api-helpers.js';

let stack: Stack;
afterEach(() => stack?.close());

const MIN = 60_000;

describe('a 401 for a scope the install lacks', () => {
  it('fails only that step, visibly, keeps the install and the run going, and tells the owner', async () => {
    stack = await startStack();
    // Installed before the app asked for conversations/message.write: texts are refused, tasks are not.
    const scope = GHL_SCOPES.filter((s) => s !== 'conversations/message.write').join(' ');
    expect((await installVia(stack, { locationId: LOCATION_ID, scope })).status).toBe(200);
    const call = await stack.sandbox.phone.placeCall({
      locationId: LOCATION_ID,
      from: '+13055550142',
      to: TRACKING_NUMBERS.facebook,
      outcome: 'voicemail',
    });
    await stack.rt.worker.drain();
    for (let m = 0; m < 16; m++) {
      stack.clock.advance(MIN);
      await stack.rt.worker.drain();
    }
    const db = stack.rt.db.db;
    const steps = await db.selectFrom('run_steps').select(['step_id', 'state', 'reason']).orderBy('due_at').execute();
    expect(steps.find((s) => s.step_id === 'apology-sms')).toMatchObject({
      state: 'failed',
      reason: expect.stringContaining('conversations/message.write'),
    });
    expect(steps.find((s) => s.step_id === 'callback-task')?.state).toBe('done');
    expect(stack.sandbox.store.tasks(LOCATION_ID).filter((t) => t.contactId === call.contactId)).toHaveLength(1);
    // GHL's own answer, once before the refresh and once after.
    const sends = stack.sandbox.requests.filter((r) => r.method === 'POST' && r.path === '/conversations/messages');
    expect(sends.map((r) => r.status)).toEqual([401, 401]);
    expect(await findInstallation(db, LOCATION_ID)).toMatchObject({ status: 'installed' });
    const run = await db.selectFrom('runs').select(['status', 'outcome_reason']).executeTakeFirstOrThrow();
    expect(run.status).toBe('active');
    const events = await db
      .selectFrom('run_events')
      .select(['kind', 'step_id'])
      .where('kind', '=', 'step-failed')
      .execute();
    expect(events).toEqual([{ kind: 'step-failed', step_id: 'apology-sms' }]);

    const lookups = await authed(stack.rt.app, await tokenFor(stack.rt.app, LOCATION_ID, { userId: USERS.maya })).get(
      '/api/lookups',
    );
    expect(lookups.status).toBe(200);
    expect(lookups.body.problems).toEqual([
      expect.objectContaining({
        code: 'missing-scope:conversations/message.write',
        message: expect.stringContaining('Reinstall'),
      }),
    ]);
    expect(lookups.body.warnings[0]).toContain('conversations/message.write');

    // Installing again with the scope clears the problem.
    expect((await installVia(stack, { locationId: LOCATION_ID })).status).toBe(200);
    const after = await authed(stack.rt.app, await tokenFor(stack.rt.app, LOCATION_ID, { userId: USERS.maya })).get(
      '/api/lookups',
    );
    expect(after.body.problems).toEqual([]);
  });
});
