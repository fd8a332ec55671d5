import { type Answer, type ApiCall, grantOf, queryString, requireQuery, traced } from './api.js';
import { authorizeLocation } from './auth.js';
import { GhlError } from './ghl-http.js';
import type { Message, MessageType } from './model.js';
import type { Deps } from './records.js';

/**
 * `GET /conversations/messages/export` as GoHighLevel/highlevel-api-docs apps/conversations.json documents it
 * (operationId export-messages-by-location; docs/ghl-reconciliation.md): `channel` one of Call, SMS, Email,
 * WhatsApp, Instagram, Facebook (none: every type but email); `startDate`/`endDate`; `sortBy` createdAt or
 * updatedAt; `sortOrder` asc or desc (default desc); `limit` 10-500 (default 100); an opaque `cursor`. The
 * answer is `{messages: GetMessageResponseDto[], nextCursor, total}`, nextCursor null on the last page.
 */
const CHANNELS: Record<string, MessageType | null> = {
  Call: 'TYPE_CALL',
  SMS: 'TYPE_SMS',
  Email: 'TYPE_EMAIL',
  WhatsApp: null,
  Instagram: null,
  Facebook: null,
};

function timeOf(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (Number.isNaN(ms)) throw new GhlError(422, [`${name} must be a valid date`]);
  return ms;
}

function oneOf<T extends string>(call: ApiCall, name: string, allowed: readonly T[], fallback: T): T {
  const v = queryString(call, name) ?? fallback;
  if (!(allowed as readonly string[]).includes(v))
    throw new GhlError(422, [`${name} must be one of ${allowed.join(', ')}`]);
  return v as T;
}

/** The cursor is opaque to clients: base64 JSON, as GHL's own example is. */
const encodeCursor = (lastId: string) => Buffer.from(JSON.stringify({ lastId }), 'utf8').toString('base64');
function decodeCursor(cursor: string): string {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8')) as { lastId?: unknown };
    if (typeof parsed.lastId === 'string') return parsed.lastId;
  } catch {}
  throw new GhlError(400, 'Invalid cursor');
}

/** GetMessageResponseDto: call details under `meta.callStatus`/`meta.callDuration`, no from/to (not documented). */
export function exportedMessage(m: Message): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: m.id,
    type: m.type,
    messageType: m.messageType,
    locationId: m.locationId,
    contactId: m.contactId,
    conversationId: m.conversationId,
    dateAdded: m.dateAdded,
    body: m.body,
    direction: m.direction,
    contentType: m.contentType,
    attachments: m.messageType === 'TYPE_CALL' ? [] : m.attachments,
  };
  if (m.meta.call) out.meta = { callStatus: m.meta.call.status, callDuration: String(m.meta.call.duration) };
  else out.status = m.status;
  if (m.meta.email) out.meta = { email: { messageIds: m.meta.email.messageIds } };
  if (m.source !== undefined) out.source = m.source;
  if (m.userId !== undefined) out.userId = m.userId;
  return out;
}

export function exportMessages(deps: Deps) {
  return (call: ApiCall): Answer => {
    const locationId = requireQuery(call, 'locationId');
    authorizeLocation(grantOf(call), deps.store, locationId);
    const channel = queryString(call, 'channel');
    if (channel !== undefined && !(channel in CHANNELS)) {
      throw new GhlError(422, [`channel must be one of ${Object.keys(CHANNELS).join(', ')}`]);
    }
    const type = channel === undefined ? undefined : CHANNELS[channel];
    const limit = Number(queryString(call, 'limit') ?? 100);
    if (!Number.isInteger(limit) || limit < 10 || limit > 500)
      throw new GhlError(422, ['limit must be between 10 and 500']);
    const sortOrder = oneOf(call, 'sortOrder', ['asc', 'desc'] as const, 'desc');
    oneOf(call, 'sortBy', ['createdAt', 'updatedAt'] as const, 'createdAt');
    const start = timeOf(queryString(call, 'startDate'), 'startDate') ?? Number.NEGATIVE_INFINITY;
    const end = timeOf(queryString(call, 'endDate'), 'endDate') ?? Number.POSITIVE_INFINITY;
    const all = deps.store
      .messages(locationId, queryString(call, 'contactId'))
      .filter((m) => {
        const at = Date.parse(m.dateAdded);
        const typeOk = type === undefined ? m.messageType !== 'TYPE_EMAIL' : m.messageType === type;
        return typeOk && at >= start && at <= end;
      })
      .sort((a, b) => Date.parse(a.dateAdded) - Date.parse(b.dateAdded) || (a.id < b.id ? -1 : 1));
    if (sortOrder === 'desc') all.reverse();
    const cursor = queryString(call, 'cursor');
    const from = cursor === undefined ? 0 : all.findIndex((m) => m.id === decodeCursor(cursor)) + 1;
    const page = all.slice(from, from + limit);
    const last = page.at(-1);
    const more = from + page.length < all.length && last !== undefined;
    return traced(200, {
      messages: page.map(exportedMessage),
      nextCursor: more ? encodeCursor(last.id) : null,
      total: all.length,
    });
  };
}
