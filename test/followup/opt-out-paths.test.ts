import { afterEach, describe, expect, it } from 'vitest';
import { type EngineStack, HOUR, LOCATION_ID, MIN, PHONES, startEngineStack } from '../helpers/engine.js';

let s: EngineStack;
afterEach(async () => {
  await s?.close();
});

async function missedCall(from: string = PHONES.marcus) {
  return (await s.missedCall({ from })).contactId;
}

async function reply(contactId: string, body: string) {
  await s.sandbox.phone.reply({ locationId: LOCATION_ID, contactId, body });
  await s.settle();
}

function ghlDnd(contactId: string) {
  return s.sandbox.store.contact(contactId)?.dndSettings;
}

async function timelineTexts() {
  const rows = await s.rt.db.db.selectFrom('run_events').select(['kind', 'detail']).orderBy('id').execute();
  return rows.map((r) => (r.detail as { text?: string }).text).filter((t): t is string => typeof t === 'string');
}

describe('opt-outs on every path', () => {
  it.each([
    ['Remove me from your list'],
    ["Don't text me"],
    ['No more texts'],
    ['ALTO'],
    ['No me envíes más mensajes'],
    ['Hi, I found another office already so please remove me from your list, thank you so much'],
  ])('%j by webhook stops the run, sends nothing more and sets SMS DND in GHL', async (body) => {
    s = await startEngineStack();
    const contactId = await missedCall();
    await s.at(1 * MIN);
    await reply(contactId, body);
    await s.at(25 * HOUR);
    expect(s.sent(contactId).sms).toHaveLength(0);
    expect(await s.run(contactId)).toMatchObject({ outcome: 'suppressed', outcome_reason: 'opted-out' });
    expect(ghlDnd(contactId)?.SMS?.status).toBe('active');
    const flags = await s.rt.db.db
      .selectFrom('contact_flags')
      .selectAll()
      .where('contact_id', '=', contactId)
      .executeTakeFirstOrThrow();
    expect(flags.sms_opted_out_at).not.toBeNull();
    expect((await timelineTexts()).some((t) => t.startsWith('The contact opted out of texts'))).toBe(true);
  });

  it('a STOP whose webhook was lost is found by the API check before the first text: an opt-out, not a reply', async () => {
    s = await startEngineStack();
    const contactId = await missedCall();
    await s.at(1 * MIN);
    s.sandbox.setAppBaseUrl('http://127.0.0.1:9');
    await s.sandbox.phone.reply({ locationId: LOCATION_ID, contactId, body: 'STOP' });
    s.sandbox.setAppBaseUrl(s.url);
    await s.at(25 * HOUR);
    expect(s.sent(contactId).sms).toHaveLength(0);
    expect(await s.run(contactId)).toMatchObject({ outcome: 'suppressed', outcome_reason: 'opted-out' });
    const events = await s.rt.db.db
      .selectFrom('contact_events')
      .select(['kind', 'detail'])
      .where('contact_id', '=', contactId)
      .execute();
    expect(events.map((e) => e.kind)).toContain('opt-out');
    expect(events.map((e) => e.kind)).not.toContain('reply');
    expect(ghlDnd(contactId)?.SMS?.status).toBe('active');
  });

  it('"leave me alone" holds texts and gives a rep a task; completing the task lets texts go again', async () => {
    s = await startEngineStack();
    const contactId = await missedCall();
    await s.at(1 * MIN);
    await reply(contactId, 'Leave me alone');
    await s.at(2 * MIN);
    expect(s.sent(contactId).sms).toHaveLength(0);
    const confirm = s.sent(contactId).tasks.find((t) => t.title.startsWith('Confirm opt-out'));
    expect(confirm?.body).toContain('Leave me alone');
    const held = await s.rt.db.db
      .selectFrom('run_steps')
      .select(['state', 'reason'])
      .where('step_id', '=', 'apology-sms')
      .executeTakeFirstOrThrow();
    expect(held).toEqual({ state: 'skipped', reason: 'held-possible-opt-out' });
    expect((await timelineTexts()).some((t) => t.startsWith('Automated texts are on hold'))).toBe(true);
    expect(ghlDnd(contactId)?.SMS?.status).not.toBe('active');

    const task = s.sandbox.store.tasks(LOCATION_ID, contactId).find((t) => t.title.startsWith('Confirm opt-out'));
    await s.sandbox.phone.completeTask({ locationId: LOCATION_ID, taskId: task!.id });
    await s.settle();
    await s.at(25 * HOUR);
    expect(s.sent(contactId).sms).toHaveLength(1);
    expect((await timelineTexts()).some((t) => t.includes('automated texts resume'))).toBe(true);
  });

  it('an ordinary reply is still a reply: the run is recovered and GHL DND is untouched', async () => {
    s = await startEngineStack();
    const contactId = await missedCall();
    await s.at(1 * MIN);
    await reply(contactId, 'Can you call me at noon?');
    expect(await s.run(contactId)).toMatchObject({ outcome: 'recovered', outcome_reason: 'replied' });
    expect(ghlDnd(contactId)?.SMS?.status).not.toBe('active');
  });
});
