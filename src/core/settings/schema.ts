/**
 * The settings document of docs/design.md §3: a public contract, so key names and shapes are exact and every
 * object is strict (an unknown key is a 400, not silently dropped). Field formats are checked here; rules
 * spanning several fields (duplicate step ids, window order, known users) live in validate.ts, which is what
 * `PUT /api/settings` should call.
 */
import { z } from 'zod';
import { isHttpUrl } from '../shared/link-text.js';
import { hasUnbalancedBraces, TEMPLATE_VARIABLES, unknownVariables } from '../templates.js';
import { isValidTimeZone } from '../timezone.js';
import { isDuration } from '../shared/duration.js';

/** The consent tag of a new install (and of a document saved before `consent` existed). */
export const DEFAULT_CONSENT_TAG = 'SMS Consent';

export const E164 = /^\+[1-9]\d{6,14}$/;
const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;
const STEP_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

const duration = z.string().refine(isDuration, 'must be an ISO 8601 duration such as PT2M, PT1H30M or P1D');
const clock = z.string().regex(CLOCK, 'must be a time of day as HH:MM (00:00 to 23:59)');
const userId = z.string().min(1, 'must be a user id').max(100);
const tag = z
  .string()
  .max(100)
  .refine((text) => text.trim() !== '', 'must not be empty');

function template(max: number) {
  return z
    .string()
    .max(max)
    .refine((text) => text.trim() !== '', 'must not be empty')
    .superRefine((text, ctx) => {
      for (const name of unknownVariables(text)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown template variable {{${name}}}; use one of ${TEMPLATE_VARIABLES.map((v) => `{{${v}}}`).join(', ')}`,
        });
      }
      if (hasUnbalancedBraces(text)) ctx.addIssue({ code: 'custom', message: 'has a "{{" or "}}" that is not closed' });
    });
}

/**
 * Why a step is sent (docs/compliance-hours.md, "Consent"): `informational` answers the call; `marketing` sells,
 * and needs written consent in some states. Optional on PUT and in stored documents, default `informational`:
 * documents written before the field still load and save (a migration marked the default last SMS marketing).
 */
export const STEP_PURPOSES = ['informational', 'marketing'] as const;
const purpose = z.enum(STEP_PURPOSES, { error: 'must be "informational" or "marketing"' }).default('informational');

// GHL's SMS limit is 1,600 characters (10 segments); the other limits only keep a document a sensible size.
const smsStep = z.strictObject({
  id: z.string().regex(STEP_ID, 'must be letters, digits, "-" or "_" (at most 64)'),
  after: duration,
  action: z.literal('sms'),
  purpose,
  message: template(1600),
});
const taskStep = z.strictObject({
  id: smsStep.shape.id,
  after: duration,
  action: z.literal('task'),
  purpose,
  title: template(200),
  dueIn: duration,
  body: template(5000).optional(),
});
const emailStep = z.strictObject({
  id: smsStep.shape.id,
  after: duration,
  action: z.literal('email'),
  purpose,
  subject: template(250),
  html: template(100_000),
});

export const sequenceStepSchema = z.discriminatedUnion('action', [smsStep, taskStep, emailStep]);

export const sourceSchema = z.strictObject({
  trackingNumber: z.string().regex(E164, 'must be a phone number in E.164 form, such as +15550001111'),
  tag,
  highValue: z.boolean().default(false),
  /**
   * A line's own wording, by step id: an sms step's message, a task's title, an email's html (core/step-content.ts
   * renderStep). The largest field's limit here; the step's own limit is checked in validate.ts.
   */
  messages: z.record(z.string(), template(100_000)).default({}),
  assignTo: z.array(userId).default([]),
  /**
   * What a lead from this source is worth, in the location's currency, when GHL has no opportunity or service
   * value for it (src/reporting/revenue.ts). Optional: documents without it are unchanged.
   */
  value: z.number().min(0, 'must be 0 or more').max(10_000_000, 'must be at most 10,000,000').nullable().optional(),
});

export const settingsSchema = z.strictObject({
  enabled: z.boolean(),
  timezone: z.string().refine(isValidTimeZone, 'must be an IANA time zone such as America/Chicago').nullable(),
  bookingLink: z
    .string()
    .max(2000)
    .refine((link) => link === '' || isHttpUrl(link), 'must be an http(s) URL, or "" for none'),
  sequence: z.array(sequenceStepSchema).max(20),
  stopWhen: z.strictObject({
    callReturned: z.boolean(),
    answered: z.boolean(),
    replied: z.boolean(),
    booked: z.boolean(),
    taskCompleted: z.boolean(),
  }),
  sources: z.array(sourceSchema).max(200),
  routing: z.strictObject({
    userIds: z.array(userId),
    rules: z
      .array(z.strictObject({ ifTag: tag, userIds: z.array(userId).min(1, 'must name at least one user') }))
      .default([]),
  }),
  escalation: z.strictObject({
    afterMissedConnections: z.number().int('must be a whole number').min(1, 'must be at least 1'),
    withinDays: z.number().min(1, 'must be at least 1'),
    managerUserId: userId.nullable(),
  }),
  highValue: z.strictObject({ tags: z.array(tag), callbackWithin: duration }),
  sendWindow: z.strictObject({
    start: clock,
    end: z
      .string()
      .refine((end) => end === '24:00' || CLOCK.test(end), 'must be a time of day as HH:MM (00:00 to 24:00)'),
    maxTouchesPer24h: z.number().int('must be a whole number').min(1, 'must be 1 to 10').max(10, 'must be 1 to 10'),
  }),
  digest: z.strictObject({
    enabled: z.boolean(),
    at: clock,
    recipients: z.array(z.email('must be an email address')),
  }),
  /** The GHL tag that records a contact's written consent to marketing texts; optional, for older documents. */
  consent: z.strictObject({ tag }).default({ tag: DEFAULT_CONSENT_TAG }),
});

export type Settings = z.output<typeof settingsSchema>;
/** What a PUT may send: the optional-inside-items keys may be left out. */
export type SettingsInput = z.input<typeof settingsSchema>;
export type SequenceStep = z.output<typeof sequenceStepSchema>;
export type SmsStep = Extract<SequenceStep, { action: 'sms' }>;
export type TaskStep = Extract<SequenceStep, { action: 'task' }>;
export type EmailStep = Extract<SequenceStep, { action: 'email' }>;
export type SourceSettings = z.output<typeof sourceSchema>;

/**
 * The footer line older defaults carried in place of a street address (CAN-SPAM). The default now uses
 * `{{business.address}}`, filled from GHL; an email step still holding this text is refused (email-address.ts).
 */
export const ADDRESS_PLACEHOLDER = '[Your street address, city, state, ZIP]';

// GSM-7 only (no curly quotes or dashes), so a text stays at 160 characters a segment, not 70.
const APOLOGY_SMS =
  "Hi {{contact.firstName}}, it's {{business.name}}. Sorry we missed your call! We'll call you back within 15 min, or book a time: {{bookingLink}} Reply STOP to opt out";
const FINAL_SMS =
  "Hi {{contact.firstName}}, it's {{business.name}}. Still interested? We'd love to help. Reply here or book a time: {{bookingLink}} Reply STOP to opt out";
// Inline styles only: most email clients drop <style> blocks.
const RESOURCES_EMAIL = [
  '<p>Hi {{contact.firstName}},</p>',
  '<p>Thank you for calling {{business.name}}, and sorry we could not pick up. We want to make sure you get the help you were looking for.</p>',
  '<p>The quickest way to talk to us is to pick a time that suits you, and we will call you then:</p>',
  '<p><a href="{{bookingLink}}" style="display:inline-block;padding:10px 18px;background:#2563eb;color:#ffffff;text-decoration:none;border-radius:6px">Book a call back</a></p>',
  '<p>Or simply reply to this email with a few words about what you need, and {{rep.name}} will get back to you.</p>',
  '<p>Talk soon,<br>{{business.name}}</p>',
  '<hr style="border:none;border-top:1px solid #dddddd;margin:24px 0 12px">',
  '<p style="font-size:12px;color:#6b7280">{{business.name}}<br>{{business.address}}<br>You are receiving this email because you called us. If you would rather not receive emails from us, reply with "unsubscribe" and we will not email you again.</p>',
].join('\n');

/** The settings of a new install (docs/design.md §3), with the location's first booking link when GHL has one. */
export function defaultSettings(options: { bookingLink?: string } = {}): Settings {
  return {
    enabled: true,
    timezone: null,
    bookingLink: options.bookingLink && isHttpUrl(options.bookingLink) ? options.bookingLink : '',
    sequence: [
      { id: 'apology-sms', after: 'PT2M', action: 'sms', purpose: 'informational', message: APOLOGY_SMS },
      {
        id: 'callback-task',
        after: 'PT15M',
        action: 'task',
        purpose: 'informational',
        title: 'Call back {{contact.name}} ({{source}})',
        dueIn: 'PT0M',
      },
      {
        id: 'resources-email',
        after: 'PT2H',
        action: 'email',
        purpose: 'informational',
        subject: 'Sorry we missed you, {{contact.firstName}}',
        html: RESOURCES_EMAIL,
      },
      // "Still interested? Book a time" sells: marketing, so it needs written consent in FL, OK and MD.
      { id: 'final-sms', after: 'PT24H', action: 'sms', purpose: 'marketing', message: FINAL_SMS },
    ],
    stopWhen: { callReturned: true, answered: true, replied: true, booked: true, taskCompleted: true },
    sources: [],
    routing: { userIds: [], rules: [] },
    escalation: { afterMissedConnections: 3, withinDays: 7, managerUserId: null },
    highValue: { tags: [], callbackWithin: 'PT5M' },
    sendWindow: { start: '08:00', end: '21:00', maxTouchesPer24h: 3 },
    digest: { enabled: false, at: '08:00', recipients: [] },
    consent: { tag: DEFAULT_CONSENT_TAG },
  };
}
