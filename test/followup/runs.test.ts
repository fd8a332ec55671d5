import { afterEach, describe, expect, it } from 'vitest';
import {
  type EngineStack,
  HOUR,
  LOCATION_ID,
  MIN,
  PHONES,
  startEngineStack,
  TRACKING_NUMBERS,
  USERS,
} from '../helpers/engine.js';

let s: EngineStack;
afterEach(async () => {
  await s?.close();
});

function missedCall(from: string, to: string = TRACKING_NUMBERS.facebook) {
  return s.missedCall({ from, to, outcome: 'voicemail' });
}

describe('runs', () => {
  it('counts an unanswered callback as a missed connection: the third escalates to the manager', async () => {
    s = await startEngineStack();
    const { contactId } = await missedCall(PHONES.marcus);
    await s.at(1 * MIN);
    await missedCall(PHONES.marcus);
    expect(s.sent(contactId).tasks.filter((t) => t.assignedTo === USERS.maya)).toHaveLength(0);
    await s.sandbox.phone.returnCall({ locationId: LOCATION_ID, contactId, answered: false });
    await s.settle();
    const manager = s.sent(contactId).tasks.filter((t) => t.assignedTo === USERS.maya);
    expect(manager).toHaveLength(1);
    expect(manager[0]!.title).toMatch(/missed 3 connections/);
    expect(await s.run(contactId)).toMatchObject({ escalated_at: expect.any(Date) });
  });

  it('gives a repeat caller one run, and escalates to the manager once at the third missed connection', async () => {
    s = await startEngineStack();
    const { contactId } = await missedCall(PHONES.marcus);
    await s.at(5 * MIN);
    await missedCall(PHONES.marcus);
    expect(s.sent(contactId).tasks).toHaveLength(0);
    await s.at(10 * MIN);
    await missedCall(PHONES.marcus, TRACKING_NUMBERS.website);
    const manager = s.sent(contactId).tasks.filter((t) => t.assignedTo === USERS.maya);
    expect(manager).toHaveLength(1);
    expect(manager[0]!.title).toMatch(/^PRIORITY: Marcus .* missed 3 connections/);
    expect(manager[0]!.body).toContain('Escalated by Ringback after 3 missed connections');
    await s.at(12 * MIN);
    await missedCall(PHONES.marcus);
    await s.at(25 * HOUR);
    const runs = await s.rt.db.db.selectFrom('runs').select(['id']).where('contact_id', '=', contactId).execute();
    expect(runs).toHaveLength(1);
    expect(s.sent(contactId).tasks.filter((t) => t.assignedTo === USERS.maya)).toHaveLength(1);
    expect(s.sent(contactId).sms).toHaveLength(2);
    const calls = await s.rt.db.db
      .selectFrom('missed_calls')
      .select(['run_id'])
      .where('contact_id', '=', contactId)
      .execute();
    expect(calls).toHaveLength(4);
    expect((await s.run(contactId))?.escalated_at).toBeInstanceOf(Date);
  });

  it('processes a webhook delivered twice once: one missed call, one run, one text', async () => {
    s = await startEngineStack();
    const first = await missedCall(PHONES.jane);
    const again = await s.sandbox.deliver(first.delivery.event, { webhookId: first.delivery.webhookId });
    expect(again.status).toBe(200);
    // The same call under a new webhook id (a redelivery GHL numbered anew) is still one call.
    await s.sandbox.deliver({ ...first.delivery.event, webhookId: undefined }, { webhookId: 'another-id' });
    await s.settle();
    await s.at(3 * MIN);
    const db = s.rt.db.db;
    expect(await db.selectFrom('missed_calls').select('id').execute()).toHaveLength(1);
    expect(await db.selectFrom('runs').select('id').execute()).toHaveLength(1);
    expect(s.sent(first.contactId).sms).toHaveLength(1);
  });

  it('a worker that died between the GHL send and the database write does not send again', async () => {
    s = await startEngineStack();
    const { contactId } = await missedCall(PHONES.jane);
    await s.at(2 * MIN);
    expect(s.sent(contactId).sms).toHaveLength(1);
    // Put the step back where a crash right after GHL accepted the message would leave it: intent recorded,
    // outcome not, and its job back in the queue as lock recovery would (the settle deleted it: migrations/0036).
    const db = s.rt.db.db;
    const step = await db
      .updateTable('run_steps')
      .set({ state: 'sending', ghl_id: null, done_at: null })
      .where('step_id', '=', 'apology-sms')
      .returning('id')
      .executeTakeFirstOrThrow();
    const now = s.clock.now();
    await db
      .insertInto('jobs')
      .values({
        kind: 'followup.step',
        payload: JSON.stringify({ runStepId: step.id }),
        run_at: now,
        unique_key: `step:${step.id}`,
        location_id: LOCATION_ID,
        created_at: now,
        updated_at: now,
      })
      .execute();
    await s.settle();
    expect(s.sent(contactId).sms).toHaveLength(1);
    const after = await db.selectFrom('run_steps').selectAll().where('id', '=', step.id).executeTakeFirstOrThrow();
    expect(after.state).toBe('done');
    expect(after.ghl_id).toBeTruthy();
    expect(after.reason).toBe('found in GHL after a restart');
  });

  it('an email whose send timed out after GHL took it is found by its subject, read from the email, and not sent again', async () => {
    s = await startEngineStack();
    const { contactId } = await missedCall(PHONES.jane);
    // GHL takes the email but the answer never comes: the step stays 'sending' and is retried.
    await s.advance(2 * HOUR - MIN);
    s.sandbox.faults.add({
      method: 'POST',
      path: '/conversations/messages',
      kind: 'latency',
      latencyMs: 2_200,
      times: 1,
    });
    await s.advance(MIN);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(s.sent(contactId).email).toHaveLength(1);
    // The body GHL keeps need not be the html sent (a footer, tracking): only the subject is left to compare,
    // and the message list's meta.email holds only messageIds.
    const [stored] = s.sandbox.store.messages(LOCATION_ID, contactId).filter((m) => m.messageType === 'TYPE_EMAIL');
    if (stored) stored.body = `${stored.body}<p>Unsubscribe</p>`;
    const pending = await s.rt.db.db
      .selectFrom('run_steps')
      .select('state')
      .where('step_id', '=', 'resources-email')
      .executeTakeFirstOrThrow();
    expect(pending.state).toBe('sending');
    await s.advance(10 * MIN, 30_000);
    expect(s.sent(contactId).email).toHaveLength(1);
    const step = await s.rt.db.db
      .selectFrom('run_steps')
      .selectAll()
      .where('step_id', '=', 'resources-email')
      .executeTakeFirstOrThrow();
    expect(step).toMatchObject({ state: 'done', reason: 'found in GHL after a restart' });
  });

  it('an intent whose message never reached GHL is sent on recovery', async () => {
    s = await startEngineStack();
    const { contactId } = await missedCall(PHONES.jane);
    s.sandbox.faults.add({ method: 'POST', path: '/conversations/messages', kind: '5xx', times: 100 });
    await s.at(2 * MIN);
    expect(s.sent(contactId).sms).toHaveLength(0);
    const db = s.rt.db.db;
    expect(
      (await db.selectFrom('run_steps').select('state').where('step_id', '=', 'apology-sms').executeTakeFirstOrThrow())
        .state,
    ).toBe('sending');
    s.sandbox.faults.clear();
    await s.advance(2 * MIN, 5_000);
    expect(s.sent(contactId).sms).toHaveLength(1);
  });

  it('stops a run when the location uninstalls mid-run: nothing more is sent', async () => {
    s = await startEngineStack();
    const { contactId } = await missedCall(PHONES.jane);
    await s.at(2 * MIN);
    expect(s.sent(contactId).sms).toHaveLength(1);
    await s.sandbox.phone.uninstall({ locationId: LOCATION_ID });
    await s.settle();
    await s.at(25 * HOUR);
    expect(s.sent(contactId)).toMatchObject({ tasks: [], email: [] });
    expect(s.sent(contactId).sms).toHaveLength(1);
    expect(await s.run(contactId)).toMatchObject({
      status: 'ended',
      outcome: 'suppressed',
      outcome_reason: 'uninstalled',
    });
  });

  it('a step that finds the install revoked by another step ends its run the same way', async () => {
    s = await startEngineStack();
    const { contactId } = await missedCall(PHONES.jane);
    // Another step's refresh was refused a moment ago: the row says revoked, this run is still active.
    await s.rt.db.db
      .updateTable('installations')
      .set({ status: 'revoked' })
      .where('location_id', '=', LOCATION_ID)
      .execute();
    await s.at(2 * MIN);
    expect(s.sent(contactId).sms).toHaveLength(0);
    expect(await s.run(contactId)).toMatchObject({
      status: 'ended',
      outcome: 'suppressed',
      outcome_reason: 'install-revoked',
    });
  });

  it('stops the runs of an install GHL revoked instead of retrying forever', async () => {
    s = await startEngineStack();
    const jane = (await missedCall(PHONES.jane)).contactId;
    const marcus = (await missedCall(PHONES.marcus, TRACKING_NUMBERS.website)).contactId;
    await s.at(2 * MIN);
    expect(s.sent(jane).sms).toHaveLength(1);
    s.sandbox.revokeInstall(LOCATION_ID);
    await s.at(25 * HOUR);
    expect(s.sent(jane).sms).toHaveLength(1);
    expect(s.sent(jane).tasks).toHaveLength(0);
    for (const contactId of [jane, marcus]) {
      expect(await s.run(contactId)).toMatchObject({
        status: 'ended',
        outcome: 'suppressed',
        outcome_reason: 'install-revoked',
      });
    }
    const db = s.rt.db.db;
    const waiting = await db.selectFrom('jobs').select('id').where('state', 'in', ['pending', 'running']).execute();
    expect(waiting).toHaveLength(0);
    const install = await db
      .selectFrom('installations')
      .select('status')
      .where('location_id', '=', LOCATION_ID)
      .executeTakeFirstOrThrow();
    expect(install.status).toBe('revoked');
  });

  it('spreads 10 leads 5/5 over two reps by round-robin', async () => {
    s = await startEngineStack();
    for (let i = 0; i < 10; i++) await missedCall(`+1212555${String(1000 + i)}`);
    await s.at(16 * MIN);
    const tasks = s.sandbox.store.tasks(LOCATION_ID);
    expect(tasks).toHaveLength(10);
    const per = tasks.reduce<Record<string, number>>((acc, t) => {
      acc[t.assignedTo ?? 'none'] = (acc[t.assignedTo ?? 'none'] ?? 0) + 1;
      return acc;
    }, {});
    expect(per).toEqual({ [USERS.ana]: 5, [USERS.ben]: 5 });
  });
});
