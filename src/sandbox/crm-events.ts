import type { Contact, User } from './model.js';

/** DOCS docs/webhook events/ContactDelete.md: the contact's fields as they were, its id as `id`. */
export function contactDeleteEvent(c: Contact): Record<string, unknown> {
  return {
    type: 'ContactDelete',
    locationId: c.locationId,
    id: c.id,
    source: c.source,
    dateAdded: c.dateAdded,
    dnd: c.dnd,
    email: c.email,
    name: c.name,
    firstName: c.firstName,
    lastName: c.lastName,
    phone: c.phone,
    state: c.state,
    city: c.city,
    tags: c.tags,
    attachments: [],
    assignedTo: c.assignedTo,
    customFields: [],
  };
}

/**
 * DOCS docs/webhook events/UserCreate.md, the sub-account example. GHL documents no UserDelete; the sandbox sends
 * the same fields under that type, which is what Ringback reads defensively (docs/ghl-reconciliation.md).
 */
export function userEvent(type: 'UserCreate' | 'UserDelete', u: User): Record<string, unknown> {
  return {
    type,
    locationId: u.locationId,
    id: u.id,
    firstName: u.firstName,
    lastName: u.lastName,
    email: u.email,
    phone: u.phone,
    extension: '',
    role: u.role,
    permissions: {},
  };
}
