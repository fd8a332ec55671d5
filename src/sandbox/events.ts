import type { Appointment, Contact, Message, Task } from './model.js';

/**
 * Webhook bodies as GHL documents them (docs/ghl-webhooks.md; the fixtures in test/fixtures/ghl/ are the same
 * shapes). `timestamp` and `webhookId` are added at delivery. Call events come in two shapes because real
 * payloads differ from the docs: 'flat' carries `status`/`callStatus`/`callDuration` at the top (a voicemail
 * only `status`, as the docs' example), 'nested' only `meta.call.{status,duration}`.
 */
export type CallShape = 'flat' | 'nested';

/** The id GHL's examples give the built-in SMS and email provider; one fixed value is enough here. */
const CONVERSATION_PROVIDER = 'sandbox_default_provider';

const SHORT_TYPE = { TYPE_CALL: 'CALL', TYPE_SMS: 'SMS', TYPE_EMAIL: 'Email' } as const;

export function messageEvent(m: Message, shape: CallShape = 'flat'): Record<string, unknown> {
  if (m.messageType === 'TYPE_EMAIL') return emailEvent(m);
  const event: Record<string, unknown> = {
    type: m.direction === 'inbound' ? 'InboundMessage' : 'OutboundMessage',
    locationId: m.locationId,
    attachments: m.attachments,
    body: m.body,
    contactId: m.contactId,
    contentType: m.contentType,
    conversationId: m.conversationId,
    dateAdded: m.dateAdded,
    direction: m.direction,
    messageType: SHORT_TYPE[m.messageType],
    messageId: m.id,
  };
  // Nobody in the business sent what a contact sent: GHL leaves such fields null rather than out.
  if (m.userId !== undefined) event['userId'] = m.userId;
  else if (m.direction === 'inbound') event['userId'] = null;
  if (m.source !== undefined && m.direction === 'outbound') event['source'] = m.source;
  if (m.messageType === 'TYPE_SMS') event['conversationProviderId'] = CONVERSATION_PROVIDER;
  if (m.from !== undefined) event['from'] = m.from;
  if (m.to !== undefined) event['to'] = m.to;
  const call = m.meta.call;
  if (!call) return { ...event, status: m.status };
  if (shape === 'nested') return { ...event, meta: { call: { status: call.status, duration: call.duration } } };
  // InboundMessage.md's unattended call: `status: voicemail` and nothing else about the call.
  if (m.direction === 'inbound' && call.status === 'voicemail') return { ...event, status: m.status };
  return { ...event, status: m.status, callDuration: call.duration, callStatus: call.status };
}

/**
 * InboundMessage.md / OutboundMessage.md "Example(Email)": `to` is an array, `from` a display address, the id is
 * `emailMessageId` (no `messageId`, `status`, `attachments` or `contentType`).
 */
function emailEvent(m: Message): Record<string, unknown> {
  const event: Record<string, unknown> = {
    type: m.direction === 'inbound' ? 'InboundMessage' : 'OutboundMessage',
    locationId: m.locationId,
    body: m.body,
    contactId: m.contactId,
    conversationId: m.conversationId,
    dateAdded: m.dateAdded,
    direction: m.direction,
    messageType: 'Email',
    emailMessageId: m.id,
    from: m.from ?? null,
    threadId: m.id,
    subject: m.subject ?? null,
    to: m.to === undefined ? [] : [m.to],
    conversationProviderId: CONVERSATION_PROVIDER,
  };
  if (m.source !== undefined && m.direction === 'outbound') event['source'] = m.source;
  return event;
}

export function taskCompleteEvent(t: Task): Record<string, unknown> {
  return {
    type: 'TaskComplete',
    locationId: t.locationId,
    id: t.id,
    assignedTo: t.assignedTo,
    body: t.body,
    contactId: t.contactId,
    dateAdded: t.dateAdded,
    dueDate: t.dueDate,
    title: t.title,
  };
}

export function appointmentEvent(a: Appointment): Record<string, unknown> {
  return {
    type: 'AppointmentCreate',
    locationId: a.locationId,
    appointment: {
      id: a.id,
      address: '',
      title: a.title,
      calendarId: a.calendarId,
      contactId: a.contactId,
      groupId: '',
      appointmentStatus: a.appointmentStatus,
      assignedUserId: a.assignedUserId,
      users: a.assignedUserId ? [a.assignedUserId] : [],
      notes: '',
      source: 'booking_widget',
      startTime: a.startTime,
      endTime: a.endTime,
      dateAdded: a.dateAdded,
      dateUpdated: a.dateAdded,
    },
  };
}

export interface InstallContext {
  appId: string;
  locationId: string;
  companyId: string;
  companyName: string;
  userId?: string;
  /** A location the agency's "all future locations" install reached: no companyId, no userId (AppInstall.md). */
  futureLocation?: boolean;
  whitelabel?: { domain: string; logoUrl?: string };
}

/** Location-level INSTALL, in AppInstall.md's shapes (white-labelled or not). */
export function installEvent(c: InstallContext): Record<string, unknown> {
  const event: Record<string, unknown> = {
    type: 'INSTALL',
    appId: c.appId,
    versionId: `${c.appId}_v1`,
    installType: 'Location',
    locationId: c.locationId,
    companyId: c.companyId,
    userId: c.userId,
    // A free app: no plan, no trial, but the fields are there as in AppInstall.md's examples.
    planId: null,
    trial: { onTrial: false, trialDuration: 0, trialStartDate: null },
    isWhitelabelCompany: c.whitelabel !== undefined,
    whitelabelDetails: c.whitelabel ? { logoUrl: '', ...c.whitelabel } : {},
    companyName: c.companyName,
  };
  if (c.futureLocation) {
    delete event['companyId'];
    delete event['userId'];
  }
  return event;
}

/** AppUninstall.md: a location's uninstall names the location only. */
export function uninstallEvent(c: InstallContext): Record<string, unknown> {
  return { type: 'UNINSTALL', appId: c.appId, locationId: c.locationId };
}

const DND_CHANNELS = ['SMS', 'Call', 'Email', 'GMB', 'FB', 'WhatsApp'] as const;

/**
 * A contact event (ContactDndUpdate.md's example; the other Contact* events share it): the contact's documented
 * fields, every DND channel spelled out, `id` rather than `contactId`.
 */
export function contactEvent(type: string, c: Contact): Record<string, unknown> {
  const dndSettings: Record<string, unknown> = {};
  for (const ch of DND_CHANNELS) dndSettings[ch] = { status: 'inactive', message: '', code: '', ...c.dndSettings[ch] };
  return {
    type,
    locationId: c.locationId,
    id: c.id,
    address1: null,
    city: c.city,
    state: c.state,
    companyName: null,
    country: 'US',
    source: c.source,
    dateAdded: c.dateAdded,
    dateOfBirth: null,
    dnd: c.dnd,
    dndSettings,
    email: c.email,
    name: c.name,
    firstName: c.firstName,
    lastName: c.lastName,
    phone: c.phone,
    postalCode: null,
    tags: c.tags,
    website: null,
    attachments: [],
    assignedTo: c.assignedTo,
    customFields: [],
  };
}
