/**
 * What Ringback asks of GHL, per location. The follow-up engine, settings lookups and the digest depend on this
 * interface; src/ghl/client.ts implements it over HTTP with per-location tokens, rate limiting and retries.
 */
export interface GhlDndChannel {
  status?: 'active' | 'inactive' | 'permanent' | string;
}

export interface GhlContact {
  id: string;
  locationId: string;
  firstName?: string | null;
  lastName?: string | null;
  name?: string | null;
  email?: string | null;
  phone?: string | null;
  timezone?: string | null;
  state?: string | null;
  tags: string[];
  dnd: boolean;
  dndSettings: Partial<Record<'SMS' | 'Email' | 'Call' | 'WhatsApp' | 'GMB' | 'FB', GhlDndChannel>>;
}

export interface GhlMessage {
  id: string;
  contactId?: string;
  messageType?: string;
  type?: number | string;
  direction?: 'inbound' | 'outbound' | string;
  status?: string;
  dateAdded: string;
  body?: string;
  meta?: unknown;
  source?: string;
}

export interface GhlLocation {
  id: string;
  companyId?: string;
  name: string;
  timezone?: string | null;
  email?: string | null;
  address?: string | null;
  /** The business's postal address on one line, for email footers (CAN-SPAM); null when GHL has none. */
  postalAddress?: string | null;
}

export interface DndWrite {
  status: 'active' | 'inactive' | 'permanent';
  message?: string;
  code?: string;
}

export interface GhlUser {
  id: string;
  name: string;
  email?: string | null;
}

/** One user as `GET /users/{userId}` describes them: what a sign-in is confirmed against. */
export interface GhlUserAccess {
  id: string;
  name: string;
  email: string | null;
  deleted: boolean;
  /** `roles.type`: `account` (a sub-account user) or `agency`. */
  type: string | null;
  /** `roles.role`: `admin` or `user`. */
  role: string | null;
  locationIds: string[];
  restrictSubAccount: boolean | null;
}

export interface GhlPhoneNumber {
  phoneNumber: string;
  friendlyName?: string | null;
}

export interface GhlCalendar {
  id: string;
  name: string;
  isActive?: boolean;
  slug?: string | null;
  widgetSlug?: string | null;
}

export type OutgoingMessage =
  | { type: 'SMS'; contactId: string; message: string; fromNumber?: string }
  | { type: 'Email'; contactId: string; subject: string; html: string; emailTo?: string };

export interface GhlTask {
  id: string;
  title: string;
  body?: string | null;
  assignedTo?: string | null;
  dueDate?: string | null;
  completed?: boolean;
}

/** An opportunity as `GET /opportunities/search` lists it (docs/ghl-api-calls.md §6). */
export interface GhlOpportunity {
  id: string;
  contactId: string | null;
  monetaryValue: number | null;
  status: string | null;
  createdAt: string | null;
  updatedAt: string | null;
}

export interface NewTask {
  title: string;
  body: string;
  dueDate: Date;
  assignedTo: string | null;
}

/** One page of `GET /conversations/messages/export` (docs/ghl-reconciliation.md). */
export interface MessageExportQuery {
  channel: 'Call' | 'SMS' | 'Email';
  startDate: Date;
  endDate: Date;
  cursor?: string;
  limit?: number;
  /** Leave this share of the location's rate budget to follow-up steps (a background read). */
  background?: boolean;
}

export interface MessageExportPage {
  messages: GhlMessage[];
  nextCursor: string | null;
  total: number | null;
}

export interface GhlApi {
  getContact(locationId: string, contactId: string): Promise<GhlContact>;
  addTags(locationId: string, contactId: string, tags: string[]): Promise<void>;
  createTask(locationId: string, contactId: string, task: NewTask): Promise<{ id: string }>;
  /** The contact's tasks (GET /contacts/:id/tasks): how a step that died after sending finds its task. */
  listTasks(locationId: string, contactId: string): Promise<GhlTask[]>;
  /** One task (GET /contacts/:id/tasks/:taskId); null when GHL no longer has it (404). */
  getTask(locationId: string, contactId: string, taskId: string): Promise<GhlTask | null>;
  /** PUT /contacts/:id/tasks/:taskId with the fields given (docs/ghl-api-calls.md §5): safe to repeat. */
  updateTask(
    locationId: string,
    contactId: string,
    taskId: string,
    change: { title: string; body: string },
  ): Promise<void>;
  sendMessage(locationId: string, message: OutgoingMessage): Promise<{ messageId: string; conversationId?: string }>;
  /** An email's subject (GET /conversations/messages/email/:id): the message list's `meta.email` has only ids. */
  getEmailSubject(locationId: string, emailMessageId: string): Promise<string | null>;
  /** Calls and messages with the contact since `since` (REST fallback when a webhook never came). */
  listMessagesSince(locationId: string, contactId: string, since: Date): Promise<GhlMessage[]>;
  /** The location's contact with this email (GET /contacts/search/duplicate), null when there is none. */
  findContactByEmail(locationId: string, email: string): Promise<{ id: string; tags: string[] } | null>;
  /** The location's contact with this phone number (the same search, `number=`), null when there is none. */
  findContactByPhone(locationId: string, phone: string): Promise<{ id: string; tags: string[] } | null>;
  /**
   * A new contact (POST /contacts/); only for an email or phone no contact has: an upsert would replace its tags.
   */
  createContact(
    locationId: string,
    contact: { email?: string; phone?: string; name?: string; tags?: string[] },
  ): Promise<{ id: string }>;
  /** A location's messages in a date range, oldest first, one page per call (the lost-webhook sweep). */
  exportMessages(locationId: string, query: MessageExportQuery): Promise<MessageExportPage>;
  getLocation(locationId: string): Promise<GhlLocation>;
  /**
   * One channel's DND on the contact (PUT /contacts/{id} with `dndSettings`): how an opt-out Ringback received
   * reaches GHL's own workflows (docs/compliance-signals.md).
   */
  setContactDnd(locationId: string, contactId: string, channel: 'SMS' | 'Email', dnd: DndWrite): Promise<void>;
  listUsers(locationId: string): Promise<GhlUser[]>;
  /**
   * The contact's opportunities of every status (GET /opportunities/search?location_id=&contact_id=&status=all):
   * a recovered lead's value when the opportunity webhooks never came (docs/ghl-api-calls.md §6).
   */
  searchOpportunities(locationId: string, contactId: string): Promise<GhlOpportunity[]>;
  /** One user, asked with the location's token (a settings-page sign-in is confirmed this way). */
  getUser(locationId: string, userId: string): Promise<GhlUserAccess>;
  listPhoneNumbers(locationId: string): Promise<GhlPhoneNumber[]>;
  listCalendars(locationId: string): Promise<GhlCalendar[]>;
}

/** GHL said 429: the caller reschedules at `retryAt` (never sleeps a worker). */
export class GhlRateLimitedError extends Error {
  constructor(readonly retryAt: Date) {
    super(`GHL rate limit: retry at ${retryAt.toISOString()}`);
    this.name = 'GhlRateLimitedError';
  }
}

/** 5xx, timeouts or malformed answers that outlasted the client's own retries: the job backs off. */
export class GhlUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GhlUnavailableError';
  }
}

/** The install is gone (uninstalled, revoked, refresh rejected): retrying cannot help. */
export class GhlNotInstalledError extends Error {
  constructor(
    readonly locationId: string,
    reason: string,
  ) {
    super(`location ${locationId} is not installed: ${reason}`);
    this.name = 'GhlNotInstalledError';
  }
}

/** A 4xx GHL answered for this request (other than 401/429): the request itself is wrong. */
export class GhlRequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body?: unknown,
  ) {
    super(message);
    this.name = 'GhlRequestError';
  }
}

/**
 * GHL answered 401 again with a token it had just refreshed: the install lacks the scope this call needs
 * ("The token is not authorized for this scope"). The install stands; only this kind of call fails until the
 * owner grants the scope (docs/ghl-oauth.md, 401).
 */
export class GhlScopeError extends GhlRequestError {
  constructor(
    readonly locationId: string,
    readonly scope: string | null,
    readonly call: string,
    body?: unknown,
  ) {
    super(401, `${call}: the install lacks ${scope ? `the ${scope} scope` : 'a scope this call needs'}`, body);
    this.name = 'GhlScopeError';
  }
}

/**
 * A request that is not safe to repeat (a send, a task) timed out or got a garbled answer, so GHL may have acted
 * on it. The client does not retry it; the caller decides (e.g. look for the message before sending again).
 */
export class GhlOutcomeUnknownError extends GhlUnavailableError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'GhlOutcomeUnknownError';
  }
}
