import { type CallShape, messageEvent } from './events.js';
import type { Contact, Location, Message } from './model.js';
import { createContact, type Deps, recordMessage } from './records.js';
import type { DeliveryResult } from './types.js';

export interface PhoneDeps extends Deps {
  deliver: (event: object) => Promise<DeliveryResult>;
  /** The sandbox's own URL, for recording links. */
  baseUrl: () => string;
}

export interface PlatformDeps extends PhoneDeps {
  appId: string;
  companyName: string;
  /** Invalidates the location's tokens (uninstall). */
  revoke: (locationId: string) => void;
}

export type CallOutcome = 'missed' | 'voicemail' | 'answered' | 'busy' | 'no-answer';

export interface PlaceCallInput {
  locationId: string;
  /** Caller, E.164. */
  from: string;
  /** The tracking number dialled. */
  to: string;
  outcome: CallOutcome;
  shape?: CallShape;
  durationSec?: number;
}

export interface MessageResult {
  contactId: string;
  conversationId: string;
  messageId: string;
  delivery: DeliveryResult;
}

const STATUS: Record<CallOutcome, string> = {
  missed: 'no-answer',
  voicemail: 'voicemail',
  answered: 'completed',
  busy: 'busy',
  'no-answer': 'no-answer',
};

export function locationOf(deps: Deps, locationId: string): Location {
  const location = deps.store.location(locationId);
  if (!location) throw new Error(`sandbox: unknown location ${locationId}`);
  return location;
}

export function contactIn(deps: Deps, locationId: string, contactId: string): Contact {
  const contact = deps.store.contact(contactId);
  if (!contact || contact.locationId !== locationId)
    throw new Error(`sandbox: no contact ${contactId} in ${locationId}`);
  return contact;
}

function defaultNumber(deps: Deps, locationId: string): string | undefined {
  const numbers = deps.store.numbers(locationId);
  return (numbers.find((n) => n.isDefaultNumber) ?? numbers[0])?.phoneNumber;
}

async function send(deps: PhoneDeps, m: Message, shape: CallShape = 'flat'): Promise<MessageResult> {
  const delivery = await deps.deliver(messageEvent(m, shape));
  return { contactId: m.contactId, conversationId: m.conversationId, messageId: m.id, delivery };
}

/** An inbound call; GHL creates the contact from the caller's number when it is new. */
export async function placeCall(deps: PhoneDeps, input: PlaceCallInput): Promise<MessageResult> {
  locationOf(deps, input.locationId);
  const contact =
    deps.store.contactByPhone(input.locationId, input.from) ??
    createContact(deps, input.locationId, { phone: input.from, source: 'call' });
  const answered = input.outcome === 'answered';
  const duration = input.durationSec ?? (answered ? 95 : input.outcome === 'voicemail' ? 24 : 0);
  const status = STATUS[input.outcome];
  const recorded = answered || input.outcome === 'voicemail';
  const message = recordMessage(deps, contact, {
    messageType: 'TYPE_CALL',
    direction: 'inbound',
    status,
    body: '',
    contentType: '',
    attachments: [],
    meta: { call: { status, duration } },
    from: input.from,
    to: input.to,
    userId: answered ? deps.store.users(input.locationId)[0]?.id : undefined,
  });
  if (recorded) message.attachments = [`${deps.baseUrl()}/recordings/${message.id}.mp3`];
  return send(deps, message, input.shape);
}

export interface ReturnCallInput {
  locationId: string;
  contactId: string;
  userId?: string;
  answered: boolean;
  /** What an unanswered callback reached. Default 'no-answer'. */
  unansweredStatus?: 'no-answer' | 'voicemail';
  durationSec?: number;
  shape?: CallShape;
}

/** A rep calls the contact back (OutboundMessage CALL): GHL reports `status: completed` either way. */
export async function returnCall(deps: PhoneDeps, input: ReturnCallInput): Promise<MessageResult> {
  const contact = contactIn(deps, input.locationId, input.contactId);
  const callStatus = input.answered ? 'completed' : (input.unansweredStatus ?? 'no-answer');
  const duration = input.answered ? (input.durationSec ?? 180) : 0;
  const message = recordMessage(deps, contact, {
    messageType: 'TYPE_CALL',
    direction: 'outbound',
    status: 'completed',
    body: '',
    contentType: '',
    attachments: [],
    meta: { call: { status: callStatus, duration } },
    source: 'app',
    userId: input.userId ?? deps.store.users(input.locationId)[0]?.id,
    from: defaultNumber(deps, input.locationId),
    to: contact.phone ?? undefined,
  });
  return send(deps, message, input.shape);
}

export interface SmsInput {
  locationId: string;
  contactId: string;
  body: string;
  userId?: string;
}

/** The contact texts back, to the line they last called (else the main number). */
export async function reply(deps: PhoneDeps, input: SmsInput): Promise<MessageResult> {
  const contact = contactIn(deps, input.locationId, input.contactId);
  const lastCall = [...deps.store.messages(input.locationId, contact.id)]
    .reverse()
    .find((m) => m.messageType === 'TYPE_CALL' && m.direction === 'inbound');
  const message = recordMessage(deps, contact, {
    messageType: 'TYPE_SMS',
    direction: 'inbound',
    status: 'delivered',
    body: input.body,
    contentType: 'text/plain',
    attachments: [],
    meta: {},
    from: contact.phone ?? undefined,
    to: lastCall?.to ?? defaultNumber(deps, input.locationId),
  });
  return send(deps, message);
}

/** A rep texts the contact by hand from GHL (OutboundMessage SMS, `source: 'app'`). */
export async function sendSms(deps: PhoneDeps, input: SmsInput): Promise<MessageResult> {
  const contact = contactIn(deps, input.locationId, input.contactId);
  const message = recordMessage(deps, contact, {
    messageType: 'TYPE_SMS',
    direction: 'outbound',
    status: 'delivered',
    body: input.body,
    contentType: 'text/plain',
    attachments: [],
    meta: {},
    source: 'app',
    userId: input.userId ?? deps.store.users(input.locationId)[0]?.id,
    from: defaultNumber(deps, input.locationId),
    to: contact.phone ?? undefined,
  });
  return send(deps, message);
}

export interface EmailInput {
  locationId: string;
  contactId: string;
  body: string;
  subject?: string;
}

/** The contact answers by email, to the location's address (InboundMessage, `messageType: Email`). */
export async function replyByEmail(deps: PhoneDeps, input: EmailInput): Promise<MessageResult> {
  const contact = contactIn(deps, input.locationId, input.contactId);
  if (!contact.email) throw new Error(`sandbox: contact ${contact.id} has no email address`);
  const location = locationOf(deps, input.locationId);
  const message = recordMessage(deps, contact, {
    messageType: 'TYPE_EMAIL',
    direction: 'inbound',
    status: 'delivered',
    body: input.body,
    contentType: 'text/html',
    attachments: [],
    meta: {},
    subject: input.subject ?? `Re: ${location.name}`,
    from: contact.name ? `${contact.name} <${contact.email}>` : contact.email,
    to: location.email,
  });
  return send(deps, message);
}
