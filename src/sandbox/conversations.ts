import { type Answer, type ApiCall, type ApiRoute, grantOf, param, queryString, requireQuery, traced } from './api.js';
import { authorizeLocation } from './auth.js';
import { GhlError } from './ghl-http.js';
import { exportMessages } from './message-export.js';
import type { Conversation, Message } from './model.js';
import type { Deps } from './records.js';
import { sendMessage } from './send-message.js';

export interface ConversationDeps extends Deps {
  /** Called after a message was sent through the API (the sandbox may echo it as a webhook). */
  onApiMessage: (m: Message) => void;
}

function loadConversation(deps: Deps, call: ApiCall): Conversation {
  const conversation = deps.store.conversation(param(call, 'conversationId'));
  if (!conversation) throw new GhlError(404, 'Conversation not found');
  authorizeLocation(grantOf(call), deps.store, conversation.locationId);
  return conversation;
}

function limitOf(call: ApiCall, fallback: number, max: number): number {
  const n = Number(queryString(call, 'limit') ?? fallback);
  if (!Number.isInteger(n) || n < 1) throw new GhlError(422, ['limit must be a positive integer']);
  return Math.min(n, max);
}

function search(deps: Deps) {
  return (call: ApiCall): Answer => {
    const locationId = requireQuery(call, 'locationId');
    authorizeLocation(grantOf(call), deps.store, locationId);
    const found = [...deps.store.conversations(locationId, queryString(call, 'contactId'))].sort(
      (a, b) => b.lastMessageDate - a.lastMessageDate,
    );
    return traced(200, { conversations: found.slice(0, limitOf(call, 20, 100)), total: found.length });
  };
}

/** A message as the REST API returns it: the subject is only in the email endpoint and the webhook events. */
function restMessage(m: Message): Omit<Message, 'subject'> {
  const { subject: _s, ...rest } = m;
  return rest;
}

/** Newest first, paged by `lastMessageId`; wrapped in `messages.messages` as real responses are. */
function messagesOf(deps: Deps) {
  return (call: ApiCall): Answer => {
    const conversation = loadConversation(deps, call);
    const types = queryString(call, 'type')?.split(',');
    let list = deps.store
      .messages(conversation.locationId, conversation.contactId)
      .filter((m) => m.conversationId === conversation.id && (!types || types.includes(m.messageType)))
      .reverse();
    const after = queryString(call, 'lastMessageId');
    if (after !== undefined) list = list.slice(list.findIndex((m) => m.id === after) + 1);
    const page = list.slice(0, limitOf(call, 20, 100));
    const lastMessageId = page.at(-1)?.id ?? null;
    return traced(200, {
      messages: { lastMessageId, nextPage: list.length > page.length, messages: page.map(restMessage) },
    });
  };
}

function oneMessage(deps: Deps) {
  return (call: ApiCall): Answer => {
    const message = deps.store.message(param(call, 'messageId'));
    if (!message) throw new GhlError(404, 'Message not found');
    authorizeLocation(grantOf(call), deps.store, message.locationId);
    return traced(200, { message: restMessage(message) });
  };
}

/** `GET /conversations/messages/email/:id`: the email itself, subject included (GetEmailMessageResponseDto). */
function oneEmail(deps: Deps) {
  return (call: ApiCall): Answer => {
    const id = param(call, 'id');
    const message = deps.store.message(id);
    if (message?.messageType !== 'TYPE_EMAIL') throw new GhlError(404, 'Email not found');
    authorizeLocation(grantOf(call), deps.store, message.locationId);
    return traced(200, {
      id: message.id,
      threadId: message.id,
      locationId: message.locationId,
      contactId: message.contactId,
      conversationId: message.conversationId,
      dateAdded: message.dateAdded,
      subject: message.subject ?? '',
      body: message.body,
      direction: message.direction,
      status: message.status,
      contentType: message.contentType,
      attachments: message.attachments,
      provider: 'Leadconnector Gmail',
      from: message.from ?? '',
      to: message.to === undefined ? [] : [message.to],
    });
  };
}

function send(deps: ConversationDeps) {
  return (call: ApiCall): Answer => {
    const { message, response } = sendMessage(deps, call);
    const answer = traced(200, response);
    answer.after = () => deps.onApiMessage(message);
    return answer;
  };
}

export function conversationRoutes(deps: ConversationDeps): ApiRoute[] {
  return [
    { method: 'post', path: '/conversations/messages', handler: send(deps) },
    { method: 'get', path: '/conversations/search', handler: search(deps) },
    { method: 'get', path: '/conversations/messages/export', handler: exportMessages(deps) },
    { method: 'get', path: '/conversations/messages/email/:id', handler: oneEmail(deps) },
    { method: 'get', path: '/conversations/messages/:messageId', handler: oneMessage(deps) },
    { method: 'get', path: '/conversations/:conversationId/messages', handler: messagesOf(deps) },
    {
      method: 'get',
      path: '/conversations/:conversationId',
      handler: (call) => traced(200, { conversation: loadConversation(deps, call) }),
    },
  ];
}
