import { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import { authorizeLocation } from './context.js';
import { GhlError, param, queryString, requireQuery, sendJson } from './ghl-http.js';
import type { Contact } from './model.js';
import { contactView, createContact, type Deps } from './records.js';

/** The contact behind `:contactId`, checked against the caller's token (404 unknown, 403 another location). */
export function loadContact(deps: Deps, req: Request): Contact {
  const contact = deps.store.contact(param(req, 'contactId'));
  if (!contact) throw new GhlError(404, 'Contact not found');
  authorizeLocation(req, deps.store, contact.locationId);
  return contact;
}

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
  return (req: Request, res: Response): void => {
    sendJson(res, 200, { contact: contactView(loadContact(deps, req)) });
  };
}

function addTags(deps: Deps) {
  return (req: Request, res: Response): void => {
    const contact = loadContact(deps, req);
    const { tags } = Tags.parse(req.body);
    contact.tags = [...new Set([...contact.tags, ...tags])];
    contact.dateUpdated = deps.clock.now().toISOString();
    sendJson(res, 201, { tags: contact.tags });
  };
}

function removeTags(deps: Deps) {
  return (req: Request, res: Response): void => {
    const contact = loadContact(deps, req);
    const { tags } = Tags.parse(req.body);
    const drop = new Set(tags.map((t) => t.toLowerCase()));
    contact.tags = contact.tags.filter((t) => !drop.has(t.toLowerCase()));
    contact.dateUpdated = deps.clock.now().toISOString();
    sendJson(res, 200, { tags: contact.tags });
  };
}

/** Matches on email, then phone, like GHL's duplicate rules; tags are merged, other given fields overwrite. */
function upsert(deps: Deps) {
  return (req: Request, res: Response) => {
    const body = Upsert.parse(req.body);
    authorizeLocation(req, deps.store, body.locationId);
    const { locationId, tags, ...fields } = body;
    const existing =
      (body.email ? deps.store.contactByEmail(locationId, body.email) : undefined) ??
      (body.phone ? deps.store.contactByPhone(locationId, body.phone) : undefined);
    if (!existing) {
      const contact = createContact(deps, locationId, { ...fields, tags: tags ?? [] });
      return sendJson(res, 200, { new: true, contact: contactView(contact) });
    }
    const updated: Contact = {
      ...existing,
      ...fields,
      tags: [...new Set([...existing.tags, ...(tags ?? [])])],
      dateUpdated: deps.clock.now().toISOString(),
    };
    if (fields.name === undefined && (fields.firstName || fields.lastName)) {
      updated.name = [updated.firstName, updated.lastName].filter((p) => p).join(' ');
    }
    deps.store.putContact(updated);
    sendJson(res, 200, { new: false, contact: contactView(updated) });
  };
}

function duplicate(deps: Deps) {
  return (req: Request, res: Response): void => {
    const locationId = requireQuery(req, 'locationId');
    authorizeLocation(req, deps.store, locationId);
    const number = queryString(req, 'number');
    const email = queryString(req, 'email');
    if (!number && !email) throw new GhlError(422, ['number or email is required']);
    const found = number ? deps.store.contactByPhone(locationId, number) : deps.store.contactByEmail(locationId, email ?? '');
    sendJson(res, 200, { contact: found ? contactView(found) : null });
  };
}

export function contactsRouter(deps: Deps): Router {
  const r = Router();
  r.get('/contacts/search/duplicate', duplicate(deps));
  r.post('/contacts/upsert', upsert(deps));
  r.get('/contacts/:contactId', getContact(deps));
  r.post('/contacts/:contactId/tags', addTags(deps));
  r.delete('/contacts/:contactId/tags', removeTags(deps));
  return r;
}
