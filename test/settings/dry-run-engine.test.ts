/**
 * The test call's dry run against the engine itself: the same call, previewed through `POST /api/test-call`
 * before it happens, then placed through the sandbox and followed up by the engine. What the page showed is what
 * GHL received: the text, the task (title, brief, due time, assignee) and the email.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import type { Settings } from '../../src/core/settings/schema.js';
import {
  type EngineStack,
  HOUR,
  LOCATION_ID,
  MIN,
  PHONES,
  seedSettings,
  startEngineStack,
  TRACKING_NUMBERS,
  USERS,
} from '../helpers/engine.js';
import { authed, tokenFor } from './api-helpers.js';

let s: EngineStack;
afterEach(async () => {
  await s?.close();
});

interface Caller {
  firstName: string;
  lastName: string;
  phone: string;
  tags?: string[];
}
const JANE: Caller = { firstName: 'Jane', lastName: 'Cooper', phone: PHONES.jane };
const PRIYA: Caller = { firstName: 'Priya', lastName: 'Shah', phone: PHONES.priya, tags: ['VIP'] };

/**
 * Previews the call (before it happens, so the round-robin pointer is where the engine will find it), places it,
 * and lets the engine work minute by minute through the text, the task and the email.
 */
async function previewThenCall(settings: Settings, caller: Caller, line: string) {
  s = await startEngineStack({ settings });
  const app = createApp(s.rt.deps);
  const api = authed(app, await tokenFor(app, LOCATION_ID, { userId: USERS.maya }));
  const { tags = [], ...contact } = caller;
  const preview = await api
    .post('/api/test-call')
    .send({ contact: { ...contact, tags }, trackingNumber: line, at: s.clock.now().toISOString() });
  expect(preview.status).toBe(200);
  const call = await s.sandbox.phone.placeCall({
    locationId: LOCATION_ID,
    from: caller.phone,
    to: line,
    outcome: 'no-answer',
  });
  await s.settle();
  await s.advance(20 * MIN);
  await s.advance(2 * HOUR - 20 * MIN, 10 * MIN);
  const step = (id: string) => preview.body.steps.find((st: { id: string }) => st.id === id);
  return { dry: step, sent: s.sent(call.contactId) };
}

function shownTask(dry: { rendered: Record<string, unknown> }) {
  const { title, body, dueDate, assignedTo } = dry.rendered;
  return { title, body, dueDate, assignedTo };
}

describe('the test call shows what the engine sends', () => {
  it("uses a line's own email wording, as the engine does", async () => {
    const settings = seedSettings();
    settings.sources[0]!.messages = {
      'resources-email':
        '<p>Hi {{contact.firstName}}, thanks for calling {{business.name}} about our Facebook offer.</p><p>{{rep.name}} will call you.</p><p>{{business.address}}</p>',
    };
    const { dry, sent } = await previewThenCall(settings, JANE, TRACKING_NUMBERS.facebook);
    const [email] = sent.email;
    expect(email?.body).toContain('about our Facebook offer');
    expect(dry('resources-email').rendered).toMatchObject({ subject: email?.subject, html: email?.body });
    expect(dry('resources-email').ownText).toBe(true);
    expect(dry('apology-sms').rendered.message).toBe(sent.sms[0]?.body);
  });

  it("uses a line's own task title, with the engine's brief for the rep", async () => {
    const settings = seedSettings();
    settings.sources[0]!.messages = { 'callback-task': 'Ring {{contact.firstName}} back about the Facebook ad' };
    const { dry, sent } = await previewThenCall(settings, JANE, TRACKING_NUMBERS.facebook);
    expect(sent.tasks).toHaveLength(1);
    const [task] = sent.tasks;
    expect(task?.title).toBe('Ring Jane back about the Facebook ad');
    expect(shownTask(dry('callback-task'))).toEqual({
      title: task?.title,
      body: task?.body,
      dueDate: task?.dueDate,
      assignedTo: task?.assignedTo,
    });
  });

  it("gives a high-value line's callback the PRIORITY title and the high-value due time", async () => {
    const { dry, sent } = await previewThenCall(seedSettings(), JANE, TRACKING_NUMBERS.google);
    const [task] = sent.tasks;
    expect(task?.title).toBe('PRIORITY: Call back Jane Cooper (Google Ads Caller)');
    expect(task?.dueDate).toBe(new Date(s.t0.getTime() + 5 * MIN).toISOString());
    expect(shownTask(dry('callback-task'))).toEqual({
      title: task?.title,
      body: task?.body,
      dueDate: task?.dueDate,
      assignedTo: task?.assignedTo,
    });
    expect(dry('callback-task').due.local).toBe('2026-01-05 10:05');
  });

  it('treats a contact tagged high-value the same way on an ordinary line', async () => {
    const { dry, sent } = await previewThenCall(seedSettings(), PRIYA, TRACKING_NUMBERS.facebook);
    const [task] = sent.tasks;
    expect(task?.title).toBe('PRIORITY: Call back Priya Shah (Facebook Ad Caller)');
    expect(shownTask(dry('callback-task'))).toEqual({
      title: task?.title,
      body: task?.body,
      dueDate: task?.dueDate,
      assignedTo: task?.assignedTo,
    });
  });
});
