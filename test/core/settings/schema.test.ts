import { describe, expect, it } from 'vitest';
import { findTemplateVariables, renderTemplate, smsSegments, TEMPLATE_VARIABLES } from '../../../src/core/templates.js';
import { parseDuration } from '../../../src/core/shared/duration.js';
import {
  ADDRESS_PLACEHOLDER,
  defaultSettings,
  type SequenceStep,
  settingsSchema,
} from '../../../src/core/settings/schema.js';

// biome-ignore lint/suspicious/noExplicitAny: tests add keys the type would forbid
type Doc = Record<string, any>;

// The example document of docs/design.md §3, with real texts in place of "...".
const designExample = {
  enabled: true,
  timezone: null,
  bookingLink: 'https://example.com/book',
  sequence: [
    {
      id: 'apology-sms',
      after: 'PT2M',
      action: 'sms',
      message:
        "Hi {{contact.firstName}}, sorry we missed your call! We'll call you back within 15 minutes. Or click here to schedule: {{bookingLink}}",
    },
    {
      id: 'callback-task',
      after: 'PT15M',
      action: 'task',
      title: 'Call back {{contact.name}} ({{source}})',
      dueIn: 'PT0M',
    },
    {
      id: 'resources-email',
      after: 'PT2H',
      action: 'email',
      subject: 'Sorry we missed you, {{contact.firstName}}',
      html: '<p>Hi</p>',
    },
    { id: 'final-sms', after: 'PT24H', action: 'sms', message: 'Still here for you: {{bookingLink}}' },
  ],
  stopWhen: { callReturned: true, answered: true, replied: true, booked: true, taskCompleted: true },
  sources: [
    {
      trackingNumber: '+15550001111',
      tag: 'Facebook Ad Caller',
      highValue: true,
      messages: { 'apology-sms': 'Thanks for calling about our ad!' },
      assignTo: ['<userId>'],
    },
  ],
  routing: { userIds: ['<userId>'], rules: [{ ifTag: 'Service', userIds: ['<userId>'] }] },
  escalation: { afterMissedConnections: 3, withinDays: 7, managerUserId: '<userId>' },
  highValue: { tags: ['VIP'], callbackWithin: 'PT5M' },
  sendWindow: { start: '08:00', end: '21:00', maxTouchesPer24h: 3 },
  digest: { enabled: true, at: '08:00', recipients: ['owner@example.com'] },
};

describe('settingsSchema', () => {
  it("accepts docs/design.md's example document, filling the fields added since with their defaults", () => {
    expect(settingsSchema.parse(designExample)).toEqual({
      ...designExample,
      sequence: designExample.sequence.map((step) => ({ ...step, purpose: 'informational' })),
      consent: { tag: 'SMS Consent' },
    });
  });

  it('keeps a step purpose given, and refuses one that is neither informational nor marketing', () => {
    const marketing = { id: 's', after: 'PT1M', action: 'sms', purpose: 'marketing', message: 'Book now' };
    expect(settingsSchema.parse({ ...designExample, sequence: [marketing] }).sequence[0]).toEqual(marketing);
    const bad = settingsSchema.safeParse({ ...designExample, sequence: [{ ...marketing, purpose: 'promo' }] });
    expect(bad.error?.issues.map((i) => [i.path.join('.'), i.message])).toEqual([
      ['sequence.0.purpose', 'must be "informational" or "marketing"'],
    ]);
  });

  it('fills the optional-inside-items defaults', () => {
    const doc = {
      ...designExample,
      sources: [{ trackingNumber: '+15550001111', tag: 'Website' }],
      routing: { userIds: [] },
    };
    const parsed = settingsSchema.parse(doc);
    expect(parsed.sources[0]).toEqual({
      trackingNumber: '+15550001111',
      tag: 'Website',
      highValue: false,
      messages: {},
      assignTo: [],
    });
    expect(parsed.routing).toEqual({ userIds: [], rules: [] });
  });

  it('keeps an optional task body and rejects fields of another action', () => {
    const task = {
      id: 't',
      after: 'PT1M',
      action: 'task',
      title: 'Call',
      dueIn: 'PT5M',
      body: 'Notes for {{rep.name}}',
    };
    expect(settingsSchema.parse({ ...designExample, sequence: [task] }).sequence[0]).toEqual({
      ...task,
      purpose: 'informational',
    });
    const smsWithTitle = { id: 's', after: 'PT1M', action: 'sms', message: 'hi', title: 'x' };
    expect(settingsSchema.safeParse({ ...designExample, sequence: [smsWithTitle] }).success).toBe(false);
  });

  it.each(Object.keys(designExample))('requires the top-level key %s', (key) => {
    const doc: Record<string, unknown> = { ...designExample };
    delete doc[key];
    const result = settingsSchema.safeParse(doc);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.path.join('.'))).toContain(key);
  });

  it.each([
    [
      'root',
      (d: Doc) => {
        d.extra = 1;
      },
    ],
    [
      'stopWhen',
      (d: Doc) => {
        d.stopWhen.extra = 1;
      },
    ],
    [
      'a step',
      (d: Doc) => {
        d.sequence[0].extra = 1;
      },
    ],
    [
      'a source',
      (d: Doc) => {
        d.sources[0].extra = 1;
      },
    ],
    [
      'routing',
      (d: Doc) => {
        d.routing.extra = 1;
      },
    ],
    [
      'a rule',
      (d: Doc) => {
        d.routing.rules[0].extra = 1;
      },
    ],
    [
      'escalation',
      (d: Doc) => {
        d.escalation.extra = 1;
      },
    ],
    [
      'highValue',
      (d: Doc) => {
        d.highValue.extra = 1;
      },
    ],
    [
      'sendWindow',
      (d: Doc) => {
        d.sendWindow.extra = 1;
      },
    ],
    [
      'digest',
      (d: Doc) => {
        d.digest.extra = 1;
      },
    ],
  ])('rejects an unknown key in %s', (_where, mutate) => {
    const doc = structuredClone(designExample) as Doc;
    mutate(doc);
    const result = settingsSchema.safeParse(doc);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.code).toBe('unrecognized_keys');
  });
});

describe('defaultSettings', () => {
  const defaults = defaultSettings({ bookingLink: 'https://cal.example.com/acme' });
  const [apology, task, email, final] = defaults.sequence as [SequenceStep, SequenceStep, SequenceStep, SequenceStep];

  it('is a valid document that survives the schema unchanged', () => {
    expect(settingsSchema.parse(defaults)).toEqual(defaults);
    expect(settingsSchema.parse(defaultSettings())).toEqual(defaultSettings());
  });

  it('has the four-step sequence of docs/design.md with its exact texts and timings', () => {
    expect(defaults.sequence.map((s) => [s.id, s.after, s.action])).toEqual([
      ['apology-sms', 'PT2M', 'sms'],
      ['callback-task', 'PT15M', 'task'],
      ['resources-email', 'PT2H', 'email'],
      ['final-sms', 'PT24H', 'sms'],
    ]);
    expect(apology).toEqual({
      id: 'apology-sms',
      after: 'PT2M',
      action: 'sms',
      purpose: 'informational',
      message:
        "Hi {{contact.firstName}}, it's {{business.name}}. Sorry we missed your call! We'll call you back within 15 min, or book a time: {{bookingLink}} Reply STOP to opt out",
    });
    expect(task).toEqual({
      id: 'callback-task',
      after: 'PT15M',
      action: 'task',
      purpose: 'informational',
      title: 'Call back {{contact.name}} ({{source}})',
      dueIn: 'PT0M',
    });
    expect(email).toMatchObject({ subject: 'Sorry we missed you, {{contact.firstName}}' });
  });

  it('names the business and says how to stop in every default text, in GSM-7 only; the last text is marketing', () => {
    const texts = defaults.sequence.filter((step) => step.action === 'sms');
    expect(texts.map((step) => [step.id, step.purpose])).toEqual([
      ['apology-sms', 'informational'],
      ['final-sms', 'marketing'],
    ]);
    for (const step of texts) {
      expect(step.message).toContain('{{business.name}}');
      expect(step.message).toMatch(/Reply STOP to opt out$/);
      expect(smsSegments(step.message).encoding).toBe('GSM-7');
    }
    expect(defaults.consent).toEqual({ tag: 'SMS Consent' });
  });

  it('has the defaults of a new install', () => {
    expect(defaults).toMatchObject({
      enabled: true,
      timezone: null,
      bookingLink: 'https://cal.example.com/acme',
      stopWhen: { callReturned: true, answered: true, replied: true, booked: true, taskCompleted: true },
      sources: [],
      routing: { userIds: [], rules: [] },
      escalation: { afterMissedConnections: 3, withinDays: 7, managerUserId: null },
      highValue: { tags: [], callbackWithin: 'PT5M' },
      sendWindow: { start: '08:00', end: '21:00', maxTouchesPer24h: 3 },
      digest: { enabled: false, at: '08:00', recipients: [] },
    });
  });

  it('leaves the booking link empty when GHL has none or a bad one', () => {
    expect(defaultSettings().bookingLink).toBe('');
    expect(defaultSettings({ bookingLink: 'javascript:alert(1)' }).bookingLink).toBe('');
  });

  it('returns a fresh object each time', () => {
    const a = defaultSettings();
    a.sequence.pop();
    a.routing.userIds.push('x');
    expect(defaultSettings().sequence).toHaveLength(4);
    expect(defaultSettings().routing.userIds).toEqual([]);
  });

  it('uses only documented template variables, and writes real texts, not "..."', () => {
    const texts = [JSON.stringify(defaults.sequence)];
    for (const name of findTemplateVariables(texts.join(' '))) expect(TEMPLATE_VARIABLES).toContain(name);
    expect(email.action === 'email' && email.html).not.toContain('...');
    expect(final.action === 'sms' && final.message).not.toContain('...');
  });

  it('gives the email a CAN-SPAM footer: business name, the address from GHL, unsubscribe sentence', () => {
    if (email.action !== 'email') throw new Error('not an email');
    const footer = email.html.slice(email.html.lastIndexOf('<hr'));
    expect(footer).toContain('{{business.name}}');
    expect(footer).toContain('{{business.address}}');
    expect(footer).not.toContain(ADDRESS_PLACEHOLDER);
    expect(footer.toLowerCase()).toContain('unsubscribe');
    expect(email.html).toContain('href="{{bookingLink}}"');
  });

  it('keeps the final SMS in plain GSM-7, within two segments once filled in, with opt-out words', () => {
    if (final.action !== 'sms') throw new Error('not an sms');
    const text = renderTemplate(
      final.message,
      { 'contact.firstName': 'Alexandra', bookingLink: 'https://cal.example.com/acme-plumbing/callback' },
      { html: false },
    );
    expect(smsSegments(text).encoding).toBe('GSM-7');
    expect(smsSegments(text).segments).toBeLessThanOrEqual(2);
    expect(final.message).toContain('STOP');
  });

  it('uses durations that parse', () => {
    for (const step of defaults.sequence) expect(parseDuration(step.after)).not.toBeNull();
    expect(parseDuration(defaults.highValue.callbackWithin)).toBe(5 * 60_000);
  });
});
