import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type App, createApp } from '../../src/app.js';
import type { Runtime } from '../../src/runtime.js';
import { defaultSettings, type Settings } from '../../src/core/settings/schema.js';
import { authed, seedInstallation, startApi, tokenFor } from './api-helpers.js';
import { fakeGhl } from './fake-ghl.js';

let rt: Runtime;
let app: App;
let api: ReturnType<typeof authed>;

beforeAll(async () => {
  ({ rt } = await startApi());
  app = createApp({
    ...rt.deps,
    ghl: fakeGhl({
      users: [
        { id: 'user_ana', name: 'Ana' },
        { id: 'user_ben', name: 'Ben' },
      ],
    }),
  });
  await seedInstallation(rt.db.db, { locationId: 'loc_v' });
  api = authed(app, await tokenFor(rt.app, 'loc_v'));
});
afterAll(async () => rt?.close());

type Doc = Settings & Record<string, unknown>;
const base = (): Doc => {
  const doc = defaultSettings({ bookingLink: 'https://example.com/book' }) as Doc;
  doc.sources = [{ trackingNumber: '+15550001111', tag: 'Facebook', highValue: false, messages: {}, assignTo: [] }];
  doc.routing = { userIds: ['user_ana'], rules: [{ ifTag: 'Service', userIds: ['user_ben'] }] };
  return doc;
};

async function put(doc: unknown) {
  const current = await api.get('/api/settings');
  return api
    .put('/api/settings')
    .set('If-Match', current.headers.etag ?? '')
    .send(doc as object);
}

// Each rule of the schema and of validate.ts, with the path the page highlights.
const RULES: [string, (d: Doc) => void, string][] = [
  [
    'enabled is a boolean',
    (d) => {
      (d as Record<string, unknown>).enabled = 'yes';
    },
    'enabled',
  ],
  [
    'timezone is an IANA zone',
    (d) => {
      d.timezone = 'Mars/Olympus';
    },
    'timezone',
  ],
  [
    'bookingLink is http(s)',
    (d) => {
      d.bookingLink = 'ftp://example.com';
    },
    'bookingLink',
  ],
  [
    'a step delay is a duration',
    (d) => {
      d.sequence[0]!.after = 'soon';
    },
    'sequence[0].after',
  ],
  [
    'a step id is a slug',
    (d) => {
      d.sequence[0]!.id = 'bad id!';
    },
    'sequence[0].id',
  ],
  [
    'a step action is sms, task or email',
    (d) => {
      (d.sequence[1] as Record<string, unknown>).action = 'fax';
    },
    'sequence[1].action',
  ],
  [
    'a template uses known variables',
    (d) => {
      (d.sequence[0] as { message: string }).message = 'Hi {{contact.age}}';
    },
    'sequence[0].message',
  ],
  [
    'a template closes its braces',
    (d) => {
      (d.sequence[0] as { message: string }).message = 'Hi {{contact.firstName';
    },
    'sequence[0].message',
  ],
  [
    'a message is not empty',
    (d) => {
      (d.sequence[3] as { message: string }).message = '  ';
    },
    'sequence[3].message',
  ],
  [
    'an SMS is at most 1600 characters',
    (d) => {
      (d.sequence[0] as { message: string }).message = 'x'.repeat(1601);
    },
    'sequence[0].message',
  ],
  [
    'a task due is a duration',
    (d) => {
      (d.sequence[1] as { dueIn: string }).dueIn = '15 minutes';
    },
    'sequence[1].dueIn',
  ],
  [
    'an email subject is at most 250 characters',
    (d) => {
      (d.sequence[2] as { subject: string }).subject = 's'.repeat(251);
    },
    'sequence[2].subject',
  ],
  [
    'step ids are unique',
    (d) => {
      d.sequence[3]!.id = 'apology-sms';
    },
    'sequence[3].id',
  ],
  [
    'a step has no unknown keys',
    (d) => {
      (d.sequence[0] as Record<string, unknown>).colour = 'red';
    },
    'sequence[0].colour',
  ],
  [
    'the sequence has at most 20 steps',
    (d) => {
      d.sequence = Array.from({ length: 21 }, (_, i) => ({
        id: `s${i}`,
        after: 'PT1M',
        action: 'sms' as const,
        purpose: 'informational' as const,
        message: 'Hi',
      }));
    },
    'sequence',
  ],
  [
    'stopWhen flags are booleans',
    (d) => {
      (d.stopWhen as Record<string, unknown>).booked = 'no';
    },
    'stopWhen.booked',
  ],
  [
    'stopWhen has every flag',
    (d) => {
      delete (d.stopWhen as Record<string, unknown>).replied;
    },
    'stopWhen.replied',
  ],
  [
    'every top-level key is present',
    (d) => {
      delete (d as Record<string, unknown>).digest;
    },
    'digest',
  ],
  [
    'unknown top-level keys are refused',
    (d) => {
      d.extra = true;
    },
    'extra',
  ],
  [
    'a tracking number is E.164',
    (d) => {
      d.sources[0]!.trackingNumber = '555-1111';
    },
    'sources[0].trackingNumber',
  ],
  [
    'a tracking number is mapped once',
    (d) => {
      d.sources.push({ ...d.sources[0]!, tag: 'Other' });
    },
    'sources[1].trackingNumber',
  ],
  [
    'a source tag is not blank',
    (d) => {
      d.sources[0]!.tag = '  ';
    },
    'sources[0].tag',
  ],
  [
    'a source message names a step',
    (d) => {
      d.sources[0]!.messages = { nope: 'Hi' };
    },
    'sources[0].messages.nope',
  ],
  [
    "a line's own task title fits a task title",
    (d) => {
      d.sources[0]!.messages = { 'callback-task': 'x'.repeat(201) };
    },
    'sources[0].messages["callback-task"]',
  ],
  [
    "a line's own text fits a text",
    (d) => {
      d.sources[0]!.messages = { 'apology-sms': 'x'.repeat(1601) };
    },
    'sources[0].messages["apology-sms"]',
  ],
  [
    'a source assignee is a user of the location',
    (d) => {
      d.sources[0]!.assignTo = ['user_ghost'];
    },
    'sources[0].assignTo[0]',
  ],
  [
    'a round-robin rep is a user of the location',
    (d) => {
      d.routing.userIds = ['user_ana', 'user_ghost'];
    },
    'routing.userIds[1]',
  ],
  [
    'a rule names at least one user',
    (d) => {
      d.routing.rules[0]!.userIds = [];
    },
    'routing.rules[0].userIds',
  ],
  [
    'a rule user is a user of the location',
    (d) => {
      d.routing.rules[0]!.userIds = ['user_ghost'];
    },
    'routing.rules[0].userIds[0]',
  ],
  [
    'a rule tag is not blank',
    (d) => {
      d.routing.rules[0]!.ifTag = '';
    },
    'routing.rules[0].ifTag',
  ],
  [
    'the escalation threshold is at least 1',
    (d) => {
      d.escalation.afterMissedConnections = 0;
    },
    'escalation.afterMissedConnections',
  ],
  [
    'the escalation threshold is whole',
    (d) => {
      d.escalation.afterMissedConnections = 1.5;
    },
    'escalation.afterMissedConnections',
  ],
  [
    'the escalation window is at least a day',
    (d) => {
      d.escalation.withinDays = 0;
    },
    'escalation.withinDays',
  ],
  [
    'the manager is a user of the location',
    (d) => {
      d.escalation.managerUserId = 'user_ghost';
    },
    'escalation.managerUserId',
  ],
  [
    'the high-value callback is a fixed duration',
    (d) => {
      d.highValue.callbackWithin = 'P1M';
    },
    'highValue.callbackWithin',
  ],
  [
    'high-value tags are not blank',
    (d) => {
      d.highValue.tags = ['VIP', ' '];
    },
    'highValue.tags[1]',
  ],
  [
    'the window start is HH:MM',
    (d) => {
      d.sendWindow.start = '8am';
    },
    'sendWindow.start',
  ],
  [
    'the window end is HH:MM or 24:00',
    (d) => {
      d.sendWindow.end = '25:00';
    },
    'sendWindow.end',
  ],
  [
    'the window ends after it starts',
    (d) => {
      d.sendWindow.start = '21:00';
      d.sendWindow.end = '08:00';
    },
    'sendWindow.end',
  ],
  [
    'the touch cap is 1 to 10',
    (d) => {
      d.sendWindow.maxTouchesPer24h = 11;
    },
    'sendWindow.maxTouchesPer24h',
  ],
  [
    'the digest time is HH:MM',
    (d) => {
      d.digest.at = '24:00';
    },
    'digest.at',
  ],
  [
    'digest recipients are emails',
    (d) => {
      d.digest.recipients = ['owner@example.com', 'not-an-email'];
    },
    'digest.recipients[1]',
  ],
];

describe('PUT /api/settings validation', () => {
  it('accepts the base document', async () => {
    const res = await put(base());
    expect(res.status).toBe(200);
  });

  it.each(RULES)('%s: 400 with the path of the field', async (_rule, mutate, path) => {
    const doc = base();
    mutate(doc);
    const res = await put(doc);
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    const paths = res.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).toContain(path);
    for (const d of res.body.error.details) expect(typeof d.message).toBe('string');
  });

  it('lists every problem of a document in one answer', async () => {
    const doc = base();
    doc.bookingLink = 'nope';
    doc.sequence[0]!.after = 'soon';
    doc.digest.recipients = ['x'];
    doc.escalation.managerUserId = 'user_ghost';
    const res = await put(doc);
    expect(res.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(
      ['bookingLink', 'digest.recipients[0]', 'escalation.managerUserId', 'sequence[0].after'].sort(),
    );
  });

  it("takes a line's own wording for every kind of step, as the engine uses it (an email body longer than a text)", async () => {
    const doc = base();
    const messages = {
      'apology-sms': 'Hi {{contact.firstName}}, sorry we missed your Facebook call. Reply STOP to opt out',
      'callback-task': 'Call back {{contact.name}} about the Facebook ad',
      'resources-email': `<p>Hi {{contact.firstName}},</p>${'<p>Our Facebook offer, in detail.</p>'.repeat(60)}`,
    };
    expect(messages['resources-email'].length).toBeGreaterThan(1600);
    doc.sources[0]!.messages = messages;
    const res = await put(doc);
    expect(res.status).toBe(200);
    expect(res.body.sources[0].messages).toEqual(messages);
    expect((await api.get('/api/settings')).body.sources[0].messages).toEqual(messages);
  });

  it('fills the optional keys inside sources with their defaults', async () => {
    const doc = base();
    doc.sources = [{ trackingNumber: '+15550002222', tag: 'Web' } as Settings['sources'][number]];
    const res = await put(doc);
    expect(res.status).toBe(200);
    expect(res.body.sources[0]).toEqual({
      trackingNumber: '+15550002222',
      tag: 'Web',
      highValue: false,
      messages: {},
      assignTo: [],
    });
  });
});
