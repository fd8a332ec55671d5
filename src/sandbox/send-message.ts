import type { Request } from 'express';
import { z } from 'zod';
import { authorizeLocation } from './context.js';
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

/** `dnd: true` blocks every channel; otherwise the channel's `dndSettings` status (ghl-api.md 3.1, DESIGN 3). */
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
  const numbers = deps.store.numbers(contact.locationId);
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
  const meta = { email: { subject: body.subject ?? '' } };
  return { messageType: 'TYPE_EMAIL' as const, body: content, contentType: 'text/html', meta, from: body.emailFrom, to };
}

/** `POST /conversations/messages` for SMS and Email; other channels are refused (the sandbox has no providers). */
export function sendMessage(deps: Deps, req: Request): { message: Message; response: Record<string, unknown> } {
  const body = SendBody.parse(req.body);
  const contact = deps.store.contact(body.contactId);
  if (!contact) throw new GhlError(404, 'Contact not found');
  authorizeLocation(req, deps.store, contact.locationId);
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
  const response: Record<string, unknown> = {
    conversationId: message.conversationId,
    messageId: message.id,
    msg: body.type === 'SMS' ? 'Message queued successfully.' : 'Email queued successfully.',
    status: 'pending',
  };
  if (body.type === 'Email') response['emailMessageId'] = message.id;
  return { message, response };
}
