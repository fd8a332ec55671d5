import { type Request, type Response, Router } from 'express';
import { authorizeLocation } from './context.js';
import { GhlError, param, queryString, requireQuery, sendJson } from './ghl-http.js';
import type { Conversation, Message, MessageType } from './model.js';
import type { Deps } from './records.js';
import { sendMessage } from './send-message.js';

export interface ConversationDeps extends Deps {
  /** Called after a message was sent through the API (the sandbox may echo it as a webhook). */
  onApiMessage: (m: Message) => void;
}

const CHANNELS: Record<string, MessageType> = { call: 'TYPE_CALL', sms: 'TYPE_SMS', email: 'TYPE_EMAIL' };

function loadConversation(deps: Deps, req: Request): Conversation {
  const conversation = deps.store.conversation(param(req, 'conversationId'));
  if (!conversation) throw new GhlError(404, 'Conversation not found');
  authorizeLocation(req, deps.store, conversation.locationId);
  return conversation;
}

/** Epoch ms or ISO 8601; GHL's search takes ms, the export dates; accept both for either. */
function parseTime(value: string | undefined, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (Number.isNaN(ms)) throw new GhlError(422, [`${name} must be a date`]);
  return ms;
}

function limitOf(req: Request, fallback: number, max: number): number {
  const n = Number(queryString(req, 'limit') ?? fallback);
  if (!Number.isInteger(n) || n < 1) throw new GhlError(422, ['limit must be a positive integer']);
  return Math.min(n, max);
}

function search(deps: Deps) {
  return (req: Request, res: Response): void => {
    const locationId = requireQuery(req, 'locationId');
    authorizeLocation(req, deps.store, locationId);
    const found = [...deps.store.conversations(locationId, queryString(req, 'contactId'))].sort(
      (a, b) => b.lastMessageDate - a.lastMessageDate,
    );
    sendJson(res, 200, { conversations: found.slice(0, limitOf(req, 20, 100)), total: found.length });
  };
}

/** Newest first, paged by `lastMessageId`; wrapped in `messages.messages` as real responses are. */
function messagesOf(deps: Deps) {
  return (req: Request, res: Response): void => {
    const conversation = loadConversation(deps, req);
    const types = queryString(req, 'type')?.split(',');
    let list = deps.store
      .messages(conversation.locationId, conversation.contactId)
      .filter((m) => m.conversationId === conversation.id && (!types || types.includes(m.messageType)))
      .reverse();
    const after = queryString(req, 'lastMessageId');
    if (after !== undefined) list = list.slice(list.findIndex((m) => m.id === after) + 1);
    const page = list.slice(0, limitOf(req, 20, 100));
    const lastMessageId = page.at(-1)?.id ?? null;
    sendJson(res, 200, { messages: { lastMessageId, nextPage: list.length > page.length, messages: page } });
  };
}

/** Oldest first with an opaque cursor (the last id returned); filters on channel and dateAdded. */
function exportMessages(deps: Deps) {
  return (req: Request, res: Response): void => {
    const locationId = requireQuery(req, 'locationId');
    authorizeLocation(req, deps.store, locationId);
    const channel = queryString(req, 'channel');
    const type = channel === undefined ? undefined : CHANNELS[channel.toLowerCase()];
    if (channel !== undefined && type === undefined) throw new GhlError(422, [`unknown channel ${channel}`]);
    const start = parseTime(queryString(req, 'startDate'), 'startDate') ?? Number.NEGATIVE_INFINITY;
    const end = parseTime(queryString(req, 'endDate'), 'endDate') ?? Number.POSITIVE_INFINITY;
    const all = deps.store.messages(locationId, queryString(req, 'contactId')).filter((m) => {
      const at = Date.parse(m.dateAdded);
      return (type === undefined || m.messageType === type) && at >= start && at <= end;
    });
    const cursor = queryString(req, 'cursor');
    const from = cursor === undefined ? 0 : all.findIndex((m) => m.id === cursor) + 1;
    const page = all.slice(from, from + limitOf(req, 100, 500));
    const more = from + page.length < all.length;
    sendJson(res, 200, { messages: page, nextCursor: more ? (page.at(-1)?.id ?? null) : null, total: all.length });
  };
}

function oneMessage(deps: Deps) {
  return (req: Request, res: Response): void => {
    const message = deps.store.message(param(req, 'messageId'));
    if (!message) throw new GhlError(404, 'Message not found');
    authorizeLocation(req, deps.store, message.locationId);
    sendJson(res, 200, { message });
  };
}

export function conversationsRouter(deps: ConversationDeps): Router {
  const r = Router();
  r.post('/conversations/messages', (req, res) => {
    const { message, response } = sendMessage(deps, req);
    sendJson(res, 200, response);
    deps.onApiMessage(message);
  });
  r.get('/conversations/search', search(deps));
  r.get('/conversations/messages/export', exportMessages(deps));
  r.get('/conversations/messages/:messageId', oneMessage(deps));
  r.get('/conversations/:conversationId/messages', messagesOf(deps));
  r.get('/conversations/:conversationId', (req, res) => sendJson(res, 200, { conversation: loadConversation(deps, req) }));
  return r;
}
