import { z } from 'zod';
import type {
  GhlCalendar,
  GhlContact,
  GhlLocation,
  GhlMessage,
  GhlOpportunity,
  GhlPhoneNumber,
  GhlTask,
  GhlUser,
  GhlUserAccess,
} from './api.js';

/**
 * GHL answers, parsed loosely: unknown fields pass, nullable fields may be absent, and the documented variants
 * are both accepted (docs/ghl-platform.md §5-§7). Each schema maps to the shapes of api.ts so callers never see raw JSON.
 * Unknown fields are dropped, not copied (z.object, not z.looseObject): nothing reads them, and copying them was most
 * of parsing a contact (about 4.8 -> 1.4 us for the documented example); a message keeps them (see Message).
 */
const str = z.string().nullish();
/**
 * A field GHL may leave out or send as `null` (docs/ghl-webhooks.md, nulls): absent either way for the caller, so
 * one null never fails a whole answer.
 */
const opt = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

const Dnd = z.object({ status: opt(z.string()) });

export const ContactAnswer = z
  .object({
    contact: z.object({
      id: z.string(),
      locationId: z.string(),
      firstName: str,
      lastName: str,
      name: str,
      contactName: str,
      email: str,
      phone: str,
      timezone: str,
      state: str,
      tags: z.array(z.string()).nullish(),
      dnd: z.boolean().nullish(),
      dndSettings: z.record(z.string(), Dnd.nullish()).nullish(),
    }),
  })
  .transform(({ contact: c }): GhlContact => {
    const dndSettings: GhlContact['dndSettings'] = {};
    for (const ch of ['SMS', 'Email', 'Call', 'WhatsApp', 'GMB', 'FB'] as const) {
      const s = c.dndSettings?.[ch];
      if (s) dndSettings[ch] = { status: s.status };
    }
    return {
      id: c.id,
      locationId: c.locationId,
      firstName: c.firstName ?? null,
      lastName: c.lastName ?? null,
      name: c.name ?? c.contactName ?? null,
      email: c.email ?? null,
      phone: c.phone ?? null,
      timezone: c.timezone ?? null,
      state: c.state ?? null,
      tags: c.tags ?? [],
      dnd: c.dnd ?? false,
      dndSettings,
    };
  });

export const Anything = z.unknown();

export const TaskAnswer = z.object({ task: z.object({ id: z.string() }) }).transform((a) => ({ id: a.task.id }));

const TaskItem = z
  .object({
    id: z.string(),
    title: z.string().nullish(),
    body: str,
    assignedTo: str,
    dueDate: str,
    completed: z.boolean().nullish(),
  })
  .transform(
    (t): GhlTask => ({
      id: t.id,
      title: t.title ?? '',
      body: t.body ?? null,
      assignedTo: t.assignedTo ?? null,
      dueDate: t.dueDate ?? null,
      completed: t.completed ?? false,
    }),
  );

export const TasksAnswer = z.object({ tasks: z.array(TaskItem) }).transform((a): GhlTask[] => a.tasks);

/** `GET`/`PUT /contacts/{contactId}/tasks/{taskId}`: TaskByIsSuccessfulResponseDto `{task: TaskSchema}`. */
export const OneTaskAnswer = z.object({ task: TaskItem }).transform((a): GhlTask => a.task);

export const SendAnswer = z
  .object({ messageId: z.string(), conversationId: opt(z.string()) })
  .transform((a) =>
    a.conversationId ? { messageId: a.messageId, conversationId: a.conversationId } : { messageId: a.messageId },
  );

/** GetEmailMessageResponseDto, unwrapped (apps/conversations.json). */
export const EmailAnswer = z.object({ subject: str }).transform((a) => a.subject ?? null);

export const CreatedContactAnswer = z
  .object({ contact: z.object({ id: z.string() }) })
  .transform((a) => ({ id: a.contact.id }));

/** `contact` is null (or absent) when no contact matches (docs/ghl-api-calls.md, duplicate search). */
export const DuplicateAnswer = z
  .object({ contact: z.object({ id: z.string(), tags: z.array(z.string()).nullish() }).nullish() })
  .transform((a) => (a.contact ? { id: a.contact.id, tags: a.contact.tags ?? [] } : null));

export const ConversationsAnswer = z.object({
  conversations: z.array(z.object({ id: z.string() })),
});

const when = z.union([z.string(), z.number()]).transform((v) => new Date(v).toISOString());

/** Loose: the sweep replays a message as the webhook GHL did not send, every field of it (followup/sweep.ts). */
const Message = z
  .looseObject({
    id: z.string(),
    contactId: opt(z.string()),
    messageType: opt(z.string()),
    type: opt(z.union([z.number(), z.string()])),
    direction: opt(z.string()),
    status: opt(z.string()),
    dateAdded: when,
    body: opt(z.string()),
    meta: z.unknown().optional(),
    source: opt(z.string()),
  })
  .transform((m): GhlMessage => m);

/**
 * Each message on its own: one GHL cannot give a time or an id (so no check could use it) is left out rather
 * than failing the page, and with it every reply and callback the page holds.
 */
const Messages = z.array(z.unknown()).transform((items) =>
  items.flatMap((item) => {
    const m = Message.safeParse(item);
    return m.success ? [m.data] : [];
  }),
);

const MessagePage = z.object({
  messages: Messages,
  lastMessageId: z.string().nullish(),
  nextPage: z.boolean().nullish(),
});

/** `GET /conversations/messages/export`: `{messages[], nextCursor, total}`, nextCursor null on the last page. */
export const ExportAnswer = z
  .object({ messages: Messages, nextCursor: z.string().nullish(), total: z.number().nullish() })
  .transform((a) => ({ messages: a.messages, nextCursor: a.nextCursor ?? null, total: a.total ?? null }));

/** `GET /conversations/messages/{id}`: wrapped in `message` as real answers are, or bare as the spec says. */
export const MessageAnswer = z.union([z.object({ message: Message }).transform((a) => a.message), Message]);

/** The spec says `{lastMessageId, nextPage, messages[]}`; real answers nest it under `messages` (docs/ghl-platform.md §5, ISSUE #54). */
export const MessagesAnswer = z.union([MessagePage, z.object({ messages: MessagePage }).transform((a) => a.messages)]);

const Location = z.object({
  id: z.string(),
  companyId: opt(z.string()),
  name: str,
  timezone: str,
  email: str,
  address: str,
  city: str,
  state: str,
  postalCode: str,
  country: str,
  business: z
    .object({ name: str, address: str, city: str, state: str, postalCode: str, country: str, timezone: str })
    .nullish(),
});

/**
 * One line a mail footer can carry: the business address (`business.*`) when GHL has one, else the location's
 * own address fields (apps/locations.json GetLocationByIdSchema); null when neither names a street.
 */
function postalAddress(l: z.output<typeof Location>): string | null {
  const b = l.business;
  const from = b?.address?.trim() ? b : l;
  const street = from.address?.trim();
  if (!street) return null;
  const region = [from.state?.trim(), from.postalCode?.trim()].filter(Boolean).join(' ');
  return [street, from.city?.trim(), region, from.country?.trim()].filter(Boolean).join(', ');
}

export const LocationAnswer = z
  .union([Location, z.object({ location: Location }).transform((a) => a.location)])
  .transform((l): GhlLocation => {
    return {
      id: l.id,
      ...(l.companyId ? { companyId: l.companyId } : {}),
      name: l.name ?? '',
      timezone: l.timezone ?? null,
      email: l.email ?? null,
      address: l.address ?? null,
      postalAddress: postalAddress(l),
      ...(l.business?.timezone && !l.timezone ? { timezone: l.business.timezone } : {}),
    };
  });

export const UsersAnswer = z
  .object({
    users: z.array(
      z.object({
        id: z.string(),
        name: str,
        firstName: str,
        lastName: str,
        email: str,
        deleted: z.boolean().nullish(),
      }),
    ),
  })
  .transform((a): GhlUser[] =>
    a.users
      .filter((u) => !u.deleted)
      .map((u) => ({
        id: u.id,
        name: u.name ?? ([u.firstName, u.lastName].filter(Boolean).join(' ') || u.id),
        email: u.email ?? null,
      })),
  );

export const NumbersAnswer = z
  .object({ numbers: z.array(z.object({ phoneNumber: z.string(), friendlyName: str })) })
  .transform((a): GhlPhoneNumber[] =>
    a.numbers.map((n) => ({ phoneNumber: n.phoneNumber, friendlyName: n.friendlyName ?? null })),
  );

export const CalendarsAnswer = z
  .object({
    calendars: z.array(
      z.object({ id: z.string(), name: str, isActive: z.boolean().nullish(), slug: str, widgetSlug: str }),
    ),
  })
  .transform((a): GhlCalendar[] =>
    a.calendars.map((c) => ({
      id: c.id,
      name: c.name ?? '',
      ...(typeof c.isActive === 'boolean' ? { isActive: c.isActive } : {}),
      slug: c.slug ?? null,
      widgetSlug: c.widgetSlug ?? null,
    })),
  );

/**
 * `GET /users/{userId}` (docs/security.md: apps/users.json UserSuccessfulResponseDto, RoleSchema): who the
 * user is and where they may act. A missing `roles` stays missing: the caller then confirms nothing.
 */
export const UserAnswer = z
  .object({
    id: z.string(),
    name: str,
    firstName: str,
    lastName: str,
    email: str,
    deleted: z.boolean().nullish(),
    roles: z
      .object({
        type: str,
        role: str,
        locationIds: z.array(z.string()).nullish(),
        restrictSubAccount: z.boolean().nullish(),
      })
      .nullish(),
  })
  .transform(
    (u): GhlUserAccess => ({
      id: u.id,
      name: u.name ?? ([u.firstName, u.lastName].filter(Boolean).join(' ') || u.id),
      email: u.email ?? null,
      deleted: u.deleted === true,
      type: u.roles?.type ?? null,
      role: u.roles?.role ?? null,
      locationIds: u.roles?.locationIds ?? [],
      restrictSubAccount: u.roles?.restrictSubAccount ?? null,
    }),
  );

/**
 * `GET /opportunities/search` (apps/opportunities.json SearchSuccessfulResponseDto): `{opportunities:
 * SearchOpportunitiesResponseSchema[], meta, aggregations}`; what a lead is worth is read from each one.
 */
export const OpportunitiesAnswer = z
  .object({
    opportunities: z.array(
      z.object({
        id: z.string(),
        contactId: str,
        monetaryValue: z.union([z.number(), z.string()]).nullish(),
        status: str,
        createdAt: str,
        updatedAt: str,
      }),
    ),
    meta: z.object({ total: z.number().nullish() }).nullish(),
  })
  .transform((a): GhlOpportunity[] =>
    a.opportunities.map((o) => {
      const value = typeof o.monetaryValue === 'string' ? Number(o.monetaryValue) : o.monetaryValue;
      return {
        id: o.id,
        contactId: o.contactId ?? null,
        monetaryValue: typeof value === 'number' && Number.isFinite(value) ? value : null,
        status: o.status ?? null,
        createdAt: o.createdAt ?? null,
        updatedAt: o.updatedAt ?? null,
      };
    }),
  );
