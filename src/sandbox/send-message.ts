import { z } from 'zod';
import { type ApiCall, grantOf } from './api.js';
import { authorizeLocation } from './auth.js';
import { GhlError } from './ghl-http.js';
import { phoneKey } from './ids.js';
import type { Contact, DndChannel, Message } from './model.js';
import { type Deps, recordMessage } from './records.js';

const SendBody = z.object({
  type: z.enum(['SMS', 'Email', 'RCS', 'WhatsApp', 'IG', 'FB', 'Custom', 'Live_Chat', 'TIKTOK']),
  contactId: z.string().min(1),
  message: z.string().optional(),
  subject: z.string().optional(),
  html: z.string().optional(),
  fromNumber: z.string().optional(),
  toNumber: z.string().optional(),
  emailFrom: z.string().optional(),
  emailTo: z.string().optional(),
  attachments: z.array(z.string()).optional(),
});
type SendBody = z.infer<typeof SendBody>;

const SEND_TYPES: ReadonlySet<string> = new Set(SendBody.shape.type.options);
const OPTIONAL_TEXT = ['message', 'subject', 'html', 'fromNumber', 'toNumber', 'emailFrom', 'emailTo'] as const;

/**
 * A body `SendBody` accepts, recognised without zod: its first parses in a process cost more than the rest
 * of the request, and nearly every send is valid. Whatever this does not recognise goes to zod, which has the
 * last word and words the 422. The body is returned as is: the handler reads only the schema's fields.
 */
function isPlainSend(body: unknown): body is SendBody {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return false;
  const b = body as Record<string, unknown>;
  if (typeof b['type'] !== 'string' || !SEND_TYPES.has(b['type'])) return false;
  if (typeof b['contactId'] !== 'string' || b['contactId'] === '') return false;
  for (const key of OPTIONAL_TEXT) if (b[key] !== undefined && typeof b[key] !== 'string') return false;
  const attachments = b['attachments'];
  return attachments === undefined || (Array.isArray(attachments) && attachments.every((a) => typeof a === 'string'));
}

/** `dnd: true` blocks every channel; otherwise the channel's `dndSettings` status (docs/ghl-platform.md §6, docs/design.md §3). */
export function isBlocked(contact: Contact, channel: DndChannel): boolean {
  const status = contact.dndSettings[channel]?.status;
  return contact.dnd || status === 'active' || status === 'permanent';
}

/**
 * How GHL answers a send to a DND contact is not documented; the sandbox picks a 400 in the common error shape
 * with the message GHL's UI shows, so the app must check DND itself rather than rely on a particular code.
 */
function refuseIfDnd(contact: Contact, channel: 'SMS' | 'Email'): void {
  if (isBlocked(contact, channel)) throw new GhlError(400, `Cannot send message as DND is active for ${channel}.`);
}

function smsFields(deps: Deps, contact: Contact, body: SendBody) {
  if (!body.message) throw new GhlError(422, ['message should not be empty']);
  const to = body.toNumber ?? contact.phone;
  if (!to) throw new GhlError(422, ['The contact has no phone number']);
  refuseIfDnd(contact, 'SMS');
  // A pooled tracking number is not the location's own sender (the sandbox's reading; GHL's words are not documented).
  const numbers = deps.store.numbers(contact.locationId).filter((n) => !n.inNumberPool);
  const from = body.fromNumber ?? numbers.find((n) => n.isDefaultNumber)?.phoneNumber ?? numbers[0]?.phoneNumber;
  if (body.fromNumber && !numbers.some((n) => phoneKey(n.phoneNumber) === phoneKey(body.fromNumber ?? ''))) {
    throw new GhlError(400, `fromNumber ${body.fromNumber} is not a number of this location`);
  }
  return { messageType: 'TYPE_SMS' as const, body: body.message, contentType: 'text/plain', meta: {}, from, to };
}

function emailFields(contact: Contact, body: SendBody) {
  const content = body.html ?? body.message;
  if (!content) throw new GhlError(422, ['html or message should not be empty']);
  const to = body.emailTo ?? contact.email;
  if (!to) throw new GhlError(422, ['The contact has no email address']);
  refuseIfDnd(contact, 'Email');
  const subject = body.subject ?? '';
  return {
    messageType: 'TYPE_EMAIL' as const,
    body: content,
    contentType: 'text/html',
    meta: {},
    subject,
    from: body.emailFrom,
    to,
  };
}

/** `POST /conversations/messages` for SMS and Email; other channels are refused (the sandbox has no providers). */
export function sendMessage(deps: Deps, call: ApiCall): { message: Message; response: Record<string, unknown> } {
  const body = isPlainSend(call.body) ? call.body : SendBody.parse(call.body);
  const contact = deps.store.contact(body.contactId);
  if (!contact) throw new GhlError(404, 'Contact not found');
  authorizeLocation(grantOf(call), deps.store, contact.locationId);
  if (body.type !== 'SMS' && body.type !== 'Email') {
    throw new GhlError(422, [`type ${body.type} is not supported by the sandbox`]);
  }
  const fields = body.type === 'SMS' ? smsFields(deps, contact, body) : emailFields(contact, body);
  const message = recordMessage(deps, contact, {
    ...fields,
    direction: 'outbound',
    status: 'delivered',
    attachments: body.attachments ?? [],
    source: 'api',
  });
  if (body.type === 'Email') message.meta = { email: { messageIds: [message.id] } };
  const response: Record<string, unknown> = {
    conversationId: message.conversationId,
    messageId: message.id,
    msg: body.type === 'SMS' ? 'Message queued successfully.' : 'Email queued successfully.',
    status: 'pending',
  };
  if (body.type === 'Email') response['emailMessageId'] = message.id;
  return { message, response };
}
