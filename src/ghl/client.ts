import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { type GhlApi, type GhlMessage, GhlRequestError, GhlScopeError } from './api.js';
import { createGhlRequester, type GhlClientOptions } from './http.js';
import { createGhlOAuth, type GhlOAuth } from './oauth.js';
import {
  Anything,
  CalendarsAnswer,
  ContactAnswer,
  ConversationsAnswer,
  CreatedContactAnswer,
  DuplicateAnswer,
  EmailAnswer,
  ExportAnswer,
  LocationAnswer,
  MessagesAnswer,
  NumbersAnswer,
  OneTaskAnswer,
  OpportunitiesAnswer,
  SendAnswer,
  TaskAnswer,
  TasksAnswer,
  UserAnswer,
  UsersAnswer,
} from './schemas.js';
import { createTokenVault, type TokenVault } from './tokens.js';

/*
 * Our own thin client, not @gohighlevel/api-client (docs/ghl-platform.md §9): a rotating refresh token must be
 * spent once across processes (its de-duplication is per process and its SessionStorage has no lock), each API
 * family wants its own `Version` (it sends 2023-02-21 to all), and its only durable token store is MongoDB.
 */

export interface GhlAuth {
  oauth: GhlOAuth;
  vault: TokenVault;
}

export interface GhlClientDeps {
  db: Kysely<Database>;
  config: Config;
  clock: Clock;
  logger: Logger;
  metrics?: Metrics;
  options?: GhlClientOptions;
  /** Share one vault (and its in-process single-flight) with the install routes; built here when omitted. */
  auth?: GhlAuth;
  /** GHL refused a call for a scope the install lacks: the runtime records it for the owner (installations). */
  onScopeRefused?: (locationId: string, scope: string | null, call: string) => Promise<void>;
}

/** The token endpoints and the token vault, for the install flow and the client. */
export function createGhlAuth(deps: Omit<GhlClientDeps, 'auth' | 'metrics'>): GhlAuth {
  const oauth = createGhlOAuth({ config: deps.config, clock: deps.clock, timeoutMs: deps.options?.timeoutMs });
  return { oauth, vault: createTokenVault({ ...deps, oauth }) };
}

/**
 * The share of a location's burst budget (100 per 10 s) a background read leaves to follow-up steps: it gives
 * way once half the window is spent.
 */
const BACKGROUND_RESERVE = 50;

/** Message history pages read per conversation before giving up on reaching `since`. */
const MAX_PAGES = 10;

export function createGhlClient(deps: GhlClientDeps): GhlApi {
  const auth = deps.auth ?? createGhlAuth(deps);
  const request = createGhlRequester({ ...deps, vault: auth.vault });

  async function messagesOf(locationId: string, conversationId: string, since: Date): Promise<GhlMessage[]> {
    const out: GhlMessage[] = [];
    let lastMessageId: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const answer = await request({
        locationId,
        method: 'GET',
        path: `/conversations/${encodeURIComponent(conversationId)}/messages`,
        query: { limit: 100, lastMessageId },
        schema: MessagesAnswer,
        idempotent: true,
      });
      // GHL pages newest first; the order within a page is not promised, so filter every message and stop
      // at the first page that holds nothing recent (one extra page at most).
      const recent = answer.messages.filter((m) => Date.parse(m.dateAdded) >= since.getTime());
      out.push(...recent);
      if (recent.length === 0 || !answer.nextPage || !answer.lastMessageId) return out;
      lastMessageId = answer.lastMessageId;
    }
    return out;
  }

  return {
    getContact: (locationId, contactId) =>
      request({
        locationId,
        method: 'GET',
        path: `/contacts/${encodeURIComponent(contactId)}`,
        schema: ContactAnswer,
        idempotent: true,
      }),

    async addTags(locationId, contactId, tags) {
      if (tags.length === 0) return;
      const path = `/contacts/${encodeURIComponent(contactId)}/tags`;
      await request({ locationId, method: 'POST', path, body: { tags }, schema: Anything, idempotent: true });
    },

    createTask: (locationId, contactId, task) =>
      request({
        locationId,
        method: 'POST',
        path: `/contacts/${encodeURIComponent(contactId)}/tasks`,
        body: {
          title: task.title,
          body: task.body,
          dueDate: task.dueDate.toISOString(),
          completed: false,
          ...(task.assignedTo ? { assignedTo: task.assignedTo } : {}),
        },
        schema: TaskAnswer,
        idempotent: false,
      }),

    async getTask(locationId, contactId, taskId) {
      try {
        return await request({
          locationId,
          method: 'GET',
          path: `/contacts/${encodeURIComponent(contactId)}/tasks/${encodeURIComponent(taskId)}`,
          schema: OneTaskAnswer,
          idempotent: true,
        });
      } catch (err) {
        if (err instanceof GhlRequestError && err.status === 404) return null;
        throw err;
      }
    },

    // Setting the same title and body twice leaves the task as once: a retry after a lost answer is harmless.
    async updateTask(locationId, contactId, taskId, change) {
      await request({
        locationId,
        method: 'PUT',
        path: `/contacts/${encodeURIComponent(contactId)}/tasks/${encodeURIComponent(taskId)}`,
        body: { title: change.title, body: change.body },
        schema: TaskAnswer,
        idempotent: true,
      });
    },

    listTasks: (locationId, contactId) =>
      request({
        locationId,
        method: 'GET',
        path: `/contacts/${encodeURIComponent(contactId)}/tasks`,
        schema: TasksAnswer,
        idempotent: true,
      }),

    sendMessage: (locationId, message) =>
      request({
        locationId,
        method: 'POST',
        path: '/conversations/messages',
        body: message,
        schema: SendAnswer,
        idempotent: false,
      }),

    getEmailSubject: (locationId, emailMessageId) =>
      request({
        locationId,
        method: 'GET',
        path: `/conversations/messages/email/${encodeURIComponent(emailMessageId)}`,
        schema: EmailAnswer,
        idempotent: true,
      }),

    async listMessagesSince(locationId, contactId, since) {
      const found = await request({
        locationId,
        method: 'GET',
        path: '/conversations/search',
        query: { locationId, contactId, limit: 20 },
        schema: ConversationsAnswer,
        idempotent: true,
      });
      const all: GhlMessage[] = [];
      for (const c of found.conversations) all.push(...(await messagesOf(locationId, c.id, since)));
      return all
        .filter((m) => m.contactId === undefined || m.contactId === contactId)
        .sort((a, b) => Date.parse(a.dateAdded) - Date.parse(b.dateAdded));
    },

    exportMessages: (locationId, q) =>
      request({
        locationId,
        method: 'GET',
        path: '/conversations/messages/export',
        query: {
          locationId,
          channel: q.channel,
          startDate: q.startDate.toISOString(),
          endDate: q.endDate.toISOString(),
          sortBy: 'createdAt',
          sortOrder: 'asc',
          limit: q.limit ?? 500,
          cursor: q.cursor,
        },
        schema: ExportAnswer,
        idempotent: true,
        reserve: q.background ? BACKGROUND_RESERVE : 0,
      }),

    findContactByEmail: (locationId, email) =>
      request({
        locationId,
        method: 'GET',
        path: '/contacts/search/duplicate',
        query: { locationId, email },
        schema: DuplicateAnswer,
        idempotent: true,
      }),

    findContactByPhone: (locationId, phone) =>
      request({
        locationId,
        method: 'GET',
        path: '/contacts/search/duplicate',
        query: { locationId, number: phone },
        schema: DuplicateAnswer,
        idempotent: true,
      }),

    // Not idempotent: a timed-out create may have made the contact; the next attempt finds it by email or phone.
    createContact: (locationId, contact) =>
      request({
        locationId,
        method: 'POST',
        path: '/contacts/',
        body: { locationId, ...contact },
        schema: CreatedContactAnswer,
        idempotent: false,
      }),

    async setContactDnd(locationId, contactId, channel, dnd) {
      await request({
        locationId,
        method: 'PUT',
        path: `/contacts/${encodeURIComponent(contactId)}`,
        body: { dndSettings: { [channel]: dnd } },
        schema: Anything,
        idempotent: true,
      });
    },

    getLocation: (locationId) =>
      request({
        locationId,
        method: 'GET',
        path: `/locations/${encodeURIComponent(locationId)}`,
        schema: LocationAnswer,
        idempotent: true,
      }),

    listUsers: (locationId) =>
      request({
        locationId,
        method: 'GET',
        path: '/users/',
        query: { locationId },
        schema: UsersAnswer,
        idempotent: true,
      }),

    // Every status: a lead whose only deal was lost is known to be worth $0 (reporting/revenue.ts). A contact has
    // few opportunities; one page of the largest size documented (100) holds them.
    searchOpportunities: (locationId, contactId) =>
      request({
        locationId,
        method: 'GET',
        path: '/opportunities/search',
        query: { location_id: locationId, contact_id: contactId, status: 'all', limit: 100 },
        schema: OpportunitiesAnswer,
        idempotent: true,
      }),

    getUser: (locationId, userId) =>
      request({
        locationId,
        method: 'GET',
        path: `/users/${encodeURIComponent(userId)}`,
        schema: UserAnswer,
        idempotent: true,
      }),

    // Numbers in pools are left out unless skipNumberPool=false, which an install without numberpools.read
    // may be refused: then the location's own numbers still come (docs/ghl-api-calls.md, phone numbers).
    async listPhoneNumbers(locationId) {
      const path = `/phone-system/numbers/location/${encodeURIComponent(locationId)}`;
      const list = (skipNumberPool: boolean) =>
        request({
          locationId,
          method: 'GET',
          path,
          query: { skipNumberPool: String(skipNumberPool), pageSize: 1000 },
          schema: NumbersAnswer,
          idempotent: true,
        });
      try {
        return await list(false);
      } catch (err) {
        if (err instanceof GhlScopeError) return list(true);
        throw err;
      }
    },

    listCalendars: (locationId) =>
      request({
        locationId,
        method: 'GET',
        path: '/calendars/',
        query: { locationId },
        schema: CalendarsAnswer,
        idempotent: true,
      }),
  };
}
