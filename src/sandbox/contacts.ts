import { z } from 'zod';
import { type Answer, type ApiCall, type ApiRoute, grantOf, queryString, requireQuery, traced } from './api.js';
import { authorizeLocation } from './auth.js';
import { GhlError } from './ghl-http.js';
import { loadContact } from './contact-load.js';
import { updateContact } from './contact-update.js';
import type { Contact } from './model.js';
import { contactView, createContact, type Deps } from './records.js';

const Tags = z.object({ tags: z.array(z.string().min(1)).min(1) });

const Upsert = z.object({
  locationId: z.string().min(1),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  name: z.string().optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
  timezone: z.string().optional(),
  state: z.string().optional(),
  city: z.string().optional(),
  source: z.string().optional(),
  assignedTo: z.string().optional(),
  tags: z.array(z.string()).optional(),
});

function getContact(deps: Deps) {
  return (call: ApiCall): Answer => traced(200, { contact: contactView(loadContact(deps, call)) });
}

function addTags(deps: Deps) {
  return (call: ApiCall): Answer => {
    const contact = loadContact(deps, call);
    const { tags } = Tags.parse(call.body);
    contact.tags = [...new Set([...contact.tags, ...tags])];
    contact.dateUpdated = deps.clock.now().toISOString();
    return traced(201, { tags: contact.tags });
  };
}

function removeTags(deps: Deps) {
  return (call: ApiCall): Answer => {
    const contact = loadContact(deps, call);
    const { tags } = Tags.parse(call.body);
    const drop = new Set(tags.map((t) => t.toLowerCase()));
    contact.tags = contact.tags.filter((t) => !drop.has(t.toLowerCase()));
    contact.dateUpdated = deps.clock.now().toISOString();
    return traced(200, { tags: contact.tags });
  };
}

/** The contact GHL's duplicate rules match: email first, then phone. */
function duplicateOf(deps: Deps, locationId: string, body: { email?: string; phone?: string }): Contact | undefined {
  return (
    (body.email ? deps.store.contactByEmail(locationId, body.email) : undefined) ??
    (body.phone ? deps.store.contactByPhone(locationId, body.phone) : undefined)
  );
}

/**
 * Matches on email, then phone, like GHL's duplicate rules; given fields overwrite, and so do `tags`: GHL's
 * UpsertContactDto says they "overwrite all current tags" (docs/ghl-api-calls.md, contacts).
 */
function upsert(deps: Deps) {
  return (call: ApiCall): Answer => {
    const body = Upsert.parse(call.body);
    authorizeLocation(grantOf(call), deps.store, body.locationId);
    const { locationId, tags, ...fields } = body;
    const existing = duplicateOf(deps, locationId, body);
    if (!existing) {
      const contact = createContact(deps, locationId, { ...fields, tags: tags ?? [] });
      return traced(200, { new: true, contact: contactView(contact) });
    }
    const updated: Contact = {
      ...existing,
      ...fields,
      tags: tags === undefined ? existing.tags : [...new Set(tags)],
      dateUpdated: deps.clock.now().toISOString(),
    };
    if (fields.name === undefined && (fields.firstName || fields.lastName)) {
      updated.name = [updated.firstName, updated.lastName].filter((p) => p).join(' ');
    }
    deps.store.putContact(updated);
    return traced(200, { new: false, contact: contactView(updated) });
  };
}

/** `POST /contacts/`: refused for an email or phone a contact already has, as a location that allows no duplicates. */
function create(deps: Deps) {
  return (call: ApiCall): Answer => {
    const body = Upsert.parse(call.body);
    authorizeLocation(grantOf(call), deps.store, body.locationId);
    const { locationId, tags, ...fields } = body;
    const existing = duplicateOf(deps, locationId, body);
    if (existing) throw new GhlError(400, 'This location does not allow duplicated contacts.');
    const contact = createContact(deps, locationId, { ...fields, tags: tags ?? [] });
    return traced(201, { contact: contactView(contact) });
  };
}

function duplicate(deps: Deps) {
  return (call: ApiCall): Answer => {
    const locationId = requireQuery(call, 'locationId');
    authorizeLocation(grantOf(call), deps.store, locationId);
    const number = queryString(call, 'number');
    const email = queryString(call, 'email');
    if (!number && !email) throw new GhlError(422, ['number or email is required']);
    const found = number
      ? deps.store.contactByPhone(locationId, number)
      : deps.store.contactByEmail(locationId, email ?? '');
    return traced(200, { contact: found ? contactView(found) : null });
  };
}

export function contactRoutes(deps: Deps): ApiRoute[] {
  return [
    { method: 'get', path: '/contacts/search/duplicate', handler: duplicate(deps) },
    { method: 'post', path: '/contacts/upsert', handler: upsert(deps) },
    { method: 'post', path: '/contacts', handler: create(deps) },
    { method: 'get', path: '/contacts/:contactId', handler: getContact(deps) },
    { method: 'put', path: '/contacts/:contactId', handler: updateContact(deps) },
    { method: 'post', path: '/contacts/:contactId/tags', handler: addTags(deps) },
    { method: 'delete', path: '/contacts/:contactId/tags', handler: removeTags(deps) },
  ];
}
