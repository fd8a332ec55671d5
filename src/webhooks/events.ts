import { z } from 'zod';
import { AppError } from '../errors.js';

/**
 * GHL webhook payloads (docs/ghl-webhooks.md, event shapes). Tolerant on purpose: extra fields pass through, optional fields may
 * be null, call details may be flat (`callStatus`, `callDuration`) or nested (`meta.call.status`). A schema only
 * demands what processing cannot do without, so a known event that fails one is really broken.
 */
/** An optional text field: null when missing, null or empty, so the engine asks one question (`?? fallback`). */
const text = z
  .string()
  .nullish()
  .transform((v) => v || null);
const id = z.string().min(1);
const seconds = z.union([z.number(), z.string()]).nullish();
/**
 * Addresses: a phone number on calls and texts, but on emails GHL's documented examples send `to` as an array
 * (InboundMessage.md, OutboundMessage.md) while their schema tables say string, and `cc`/`bcc` likewise: take
 * both, and null anywhere (docs/ghl-webhooks.md).
 */
const addresses = z.union([z.string(), z.array(z.string().nullish())]).nullish();

const Envelope = z.looseObject({
  type: z.string().min(1),
  webhookId: z.string().min(1).max(200).nullish(),
  timestamp: z.union([z.string(), z.number()]).nullish(),
  locationId: text,
});

export const MessageEvent = z.looseObject({
  type: z.enum(['InboundMessage', 'OutboundMessage']),
  locationId: id,
  contactId: text,
  conversationId: text,
  messageId: text,
  messageType: text,
  direction: text,
  status: text,
  callStatus: text,
  callDuration: seconds,
  dateAdded: text,
  from: addresses,
  to: addresses,
  cc: addresses,
  bcc: addresses,
  subject: text,
  userId: text,
  source: text,
  /** The message's words (docs/ghl-webhooks.md, message events). */
  body: text,
  /** Not in GHL's tables: read as the message id when `messageId` is missing (a REST message's own id). */
  id: text,
  attachments: z.array(z.unknown()).nullish(),
  meta: z
    .looseObject({ call: z.looseObject({ status: text, duration: seconds, from: text, to: text }).nullish() })
    .nullish(),
});

export const AppointmentEvent = z.looseObject({
  type: z.enum(['AppointmentCreate', 'AppointmentUpdate']),
  locationId: id,
  appointment: z.looseObject({
    id,
    contactId: text,
    calendarId: text,
    appointmentStatus: text,
    startTime: text,
    dateAdded: text,
  }),
});

export const TaskCompleteEvent = z.looseObject({
  type: z.literal('TaskComplete'),
  locationId: id,
  id,
  contactId: text,
  assignedTo: text,
  title: text,
});

export const ContactDndUpdateEvent = z.looseObject({
  type: z.literal('ContactDndUpdate'),
  locationId: id,
  id,
  dnd: z.boolean().nullish(),
  dndSettings: z.record(z.string(), z.looseObject({ status: text }).nullish()).nullish(),
});

/** docs/webhook events/LocationUpdate.md: the location is `id`; name, email, companyId may come too. */
export const LocationUpdateEvent = z.looseObject({
  type: z.literal('LocationUpdate'),
  locationId: text,
  id,
  name: text,
  email: text,
  companyId: text,
});

/** DOCS docs/webhook events/ContactDelete.md: the deleted contact's fields, its id as `id`. */
export const ContactDeleteEvent = z.looseObject({ type: z.literal('ContactDelete'), locationId: id, id });

/**
 * DOCS docs/webhook events/UserCreate.md: a sub-account user carries `locationId`, an agency user `companyId`
 * and `locations[]`. UserDelete has no page in GHL's docs (docs/ghl-reconciliation.md): it is read the same way,
 * defensively, with the user's id as `id` or `userId`.
 */
const userFields = {
  locationId: text,
  companyId: text,
  id: text,
  userId: text,
  locations: z.array(z.string()).nullish(),
};
const hasUser = (e: { id?: string | null; userId?: string | null }) => Boolean(e.id || e.userId);
export const UserCreateEvent = z
  .looseObject({ type: z.literal('UserCreate'), ...userFields })
  .refine(hasUser, 'UserCreate needs an id');
export const UserDeleteEvent = z
  .looseObject({ type: z.literal('UserDelete'), ...userFields })
  .refine(hasUser, 'UserDelete needs an id');

/** Opportunity events Ringback keeps (docs/ghl-webhooks.md, "Opportunities"); each carries the whole opportunity. */
export const OPPORTUNITY_EVENTS = [
  'OpportunityCreate',
  'OpportunityUpdate',
  'OpportunityStatusUpdate',
  'OpportunityMonetaryValueUpdate',
  'OpportunityStageUpdate',
  'OpportunityAssignedToUpdate',
  'OpportunityDelete',
] as const;

/**
 * DOCS webhook OpportunityMonetaryValueUpdate: the whole opportunity (`id`, `contactId`, `monetaryValue`,
 * `status`, `dateAdded`...); the other opportunity events are read as the same shape (docs/ghl-webhooks.md).
 */
export const OpportunityEvent = z.looseObject({
  type: z.enum(OPPORTUNITY_EVENTS),
  locationId: id,
  timestamp: z.union([z.string(), z.number()]).nullish(),
  id,
  contactId: text,
  monetaryValue: z.union([z.number(), z.string()]).nullish(),
  status: text,
  dateAdded: text,
});

/**
 * DOCS webhook VoiceAiCallEnd: the AI call's `id`, `contactId`, `createdAt`, `duration` (s), `summary`,
 * `transcript`, `extractedData`, `messageId`, `trialCall` and `executedCallActions[].actionType`
 * (docs/ghl-webhooks.md, "Voice AI").
 */
export const VoiceAiCallEndEvent = z.looseObject({
  type: z.literal('VoiceAiCallEnd'),
  locationId: id,
  id,
  contactId: text,
  createdAt: text,
  duration: seconds,
  summary: text,
  messageId: text,
  trialCall: z.boolean().nullish(),
  executedCallActions: z.array(z.looseObject({ actionType: text }).nullish()).nullish(),
});

/** Agency-level installs carry only `companyId`; location ones `locationId` (and usually `companyId`). */
const installFields = {
  appId: text,
  companyId: id.nullish().transform((v) => v ?? undefined),
  locationId: id.nullish().transform((v) => v ?? undefined),
  userId: text,
};
const needsTarget = (e: { companyId?: string | undefined; locationId?: string | undefined }) =>
  Boolean(e.companyId || e.locationId);
export const InstallEvent = z
  .looseObject({
    type: z.literal('INSTALL'),
    ...installFields,
    // Checked as a host where it is used: a bad domain must not refuse the install (docs/ghl-oauth.md).
    isWhitelabelCompany: z.boolean().nullish(),
    whitelabelDetails: z.looseObject({ domain: text, logoUrl: text }).nullish(),
  })
  .refine(needsTarget, 'INSTALL needs a locationId or a companyId');
export const UninstallEvent = z
  .looseObject({ type: z.literal('UNINSTALL'), ...installFields })
  .refine(needsTarget, 'UNINSTALL needs a locationId or a companyId');

export type MessageEvent = z.output<typeof MessageEvent>;
export type AppointmentEvent = z.output<typeof AppointmentEvent>;
export type TaskCompleteEvent = z.output<typeof TaskCompleteEvent>;
export type ContactDndUpdateEvent = z.output<typeof ContactDndUpdateEvent>;
export type LocationUpdateEvent = z.output<typeof LocationUpdateEvent>;
export type ContactDeleteEvent = z.output<typeof ContactDeleteEvent>;
export type UserEvent = z.output<typeof UserCreateEvent> | z.output<typeof UserDeleteEvent>;
export type OpportunityEvent = z.output<typeof OpportunityEvent>;
export type VoiceAiCallEndEvent = z.output<typeof VoiceAiCallEndEvent>;
export type InstallEvent = z.output<typeof InstallEvent>;
export type UninstallEvent = z.output<typeof UninstallEvent>;

/** Every event Ringback reads, typed by its schema: switch on `type`. */
export type WebhookEvent =
  | MessageEvent
  | AppointmentEvent
  | TaskCompleteEvent
  | ContactDndUpdateEvent
  | LocationUpdateEvent
  | ContactDeleteEvent
  | UserEvent
  | OpportunityEvent
  | VoiceAiCallEndEvent
  | InstallEvent
  | UninstallEvent;
/** What the CRM tells about its records: every event but the app's own INSTALL and UNINSTALL. */
export type CrmEvent = Exclude<WebhookEvent, InstallEvent | UninstallEvent>;

const KNOWN: Record<string, z.ZodType<WebhookEvent>> = {
  InboundMessage: MessageEvent,
  OutboundMessage: MessageEvent,
  AppointmentCreate: AppointmentEvent,
  AppointmentUpdate: AppointmentEvent,
  TaskComplete: TaskCompleteEvent,
  ContactDndUpdate: ContactDndUpdateEvent,
  LocationUpdate: LocationUpdateEvent,
  ContactDelete: ContactDeleteEvent,
  UserCreate: UserCreateEvent,
  UserDelete: UserDeleteEvent,
  VoiceAiCallEnd: VoiceAiCallEndEvent,
  OpportunityCreate: OpportunityEvent,
  OpportunityUpdate: OpportunityEvent,
  OpportunityStatusUpdate: OpportunityEvent,
  OpportunityMonetaryValueUpdate: OpportunityEvent,
  OpportunityStageUpdate: OpportunityEvent,
  OpportunityAssignedToUpdate: OpportunityEvent,
  OpportunityDelete: OpportunityEvent,
  INSTALL: InstallEvent,
  UNINSTALL: UninstallEvent,
};

export interface ParsedWebhook {
  type: string;
  webhookId: string | undefined;
  /** The event's `timestamp`, when it has one. */
  timestamp: Date | undefined;
  locationId: string | null;
  known: boolean;
}

/** ISO 8601 or epoch milliseconds (docs/design.md §3). */
export function parseTimestamp(v: string | number): Date | undefined {
  const ms = typeof v === 'number' || /^\d+$/.test(v) ? Number(v) : Date.parse(v);
  return Number.isFinite(ms) ? new Date(ms) : undefined;
}

/**
 * A stored event, typed by the schema its intake passed (parseWebhook); null for a type Ringback does not read.
 * Throws a ZodError when a known type does not parse: it never will.
 */
export function readWebhook(type: string, body: unknown): WebhookEvent | null {
  const schema = KNOWN[type];
  return schema ? schema.parse(body) : null;
}

/** Throws a 400 AppError for anything that is not an event we can store. Unknown types are accepted. */
export function parseWebhook(body: unknown): ParsedWebhook {
  const envelope = Envelope.safeParse(body);
  if (!envelope.success) throw invalid('the body is not a GHL event (an object with a type)', envelope.error);
  const e = envelope.data;
  const schema = KNOWN[e.type];
  if (schema) {
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw invalid(`the ${e.type} event is missing required fields`, parsed.error);
  }
  const timestamp = e.timestamp == null ? undefined : parseTimestamp(e.timestamp);
  if (e.timestamp != null && timestamp === undefined) {
    throw new AppError(400, 'BAD_REQUEST', 'timestamp is neither ISO 8601 nor epoch milliseconds');
  }
  // LocationUpdate names its location `id` (it is the location's own event).
  const locationId = e.locationId ?? (e.type === 'LocationUpdate' && typeof e.id === 'string' ? e.id : null);
  return { type: e.type, webhookId: e.webhookId ?? undefined, timestamp, locationId, known: Boolean(schema) };
}

function invalid(message: string, err: z.ZodError): AppError {
  return new AppError(400, 'BAD_REQUEST', message, {
    details: err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
  });
}
