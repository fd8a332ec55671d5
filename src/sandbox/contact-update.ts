import { z } from 'zod';
import { type Answer, type ApiCall, traced } from './api.js';
import { loadContact } from './contact-load.js';
import type { Contact, DndChannel } from './model.js';
import { contactView, type Deps } from './records.js';

const Dnd = z.object({
  status: z.enum(['active', 'inactive', 'permanent']),
  message: z.string().optional(),
  code: z.string().optional(),
});

// GoHighLevel/highlevel-api-docs apps/contacts.json UpdateContactDto (the fields the sandbox keeps); a channel
// left out of `dndSettings` keeps its status.
const Update = z.object({
  firstName: z.string().nullish(),
  lastName: z.string().nullish(),
  name: z.string().nullish(),
  email: z.string().nullish(),
  phone: z.string().nullish(),
  timezone: z.string().nullish(),
  state: z.string().nullish(),
  dnd: z.boolean().optional(),
  dndSettings: z.partialRecord(z.enum(['Call', 'Email', 'SMS', 'WhatsApp', 'GMB', 'FB']), Dnd).optional(),
});

/** PUT /contacts/:contactId: answers `{ succeded, contact }` as documented (sic). */
export function updateContact(deps: Deps) {
  return (call: ApiCall): Answer => {
    const contact = loadContact(deps, call);
    const { dndSettings, dnd, ...fields } = Update.parse(call.body);
    const updated: Contact = { ...contact, dateUpdated: deps.clock.now().toISOString() };
    for (const [key, value] of Object.entries(fields)) {
      if (value !== undefined) (updated as unknown as Record<string, unknown>)[key] = value;
    }
    if (dnd !== undefined) updated.dnd = dnd;
    updated.dndSettings = { ...contact.dndSettings };
    for (const [channel, setting] of Object.entries(dndSettings ?? {})) {
      if (setting) updated.dndSettings[channel as DndChannel] = { message: '', code: '', ...setting };
    }
    deps.store.putContact(updated);
    return traced(200, { succeded: true, contact: contactView(updated) });
  };
}
