import type { GhlApi } from '../ghl/api.js';

export const DIGEST_TAG = 'Ringback Digest';

/**
 * The recipient's contact, tagged. Never an upsert: its `tags` replace all of the contact's tags and it can fire
 * the client's "contact created" workflows (docs/ghl-api-calls.md, contacts). An existing contact only gains the
 * tag; a contact is created only for an email no contact has.
 */
export async function digestContact(ghl: GhlApi, locationId: string, email: string): Promise<{ id: string }> {
  const found = await ghl.findContactByEmail(locationId, email);
  if (!found) return ghl.createContact(locationId, { email, name: email, tags: [DIGEST_TAG] });
  if (!found.tags.some((t) => t.toLowerCase() === DIGEST_TAG.toLowerCase())) {
    await ghl.addTags(locationId, found.id, [DIGEST_TAG]);
  }
  return found;
}
