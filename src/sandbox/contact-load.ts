import { type ApiCall, grantOf, param } from './api.js';
import { authorizeLocation } from './auth.js';
import { GhlError } from './ghl-http.js';
import type { Contact } from './model.js';
import type { Deps } from './records.js';

/** The contact behind `:contactId`, checked against the caller's token (404 unknown, 403 another location). */
export function loadContact(deps: Deps, call: ApiCall): Contact {
  const contact = deps.store.contact(param(call, 'contactId'));
  if (!contact) throw new GhlError(404, 'Contact not found');
  authorizeLocation(grantOf(call), deps.store, contact.locationId);
  return contact;
}
