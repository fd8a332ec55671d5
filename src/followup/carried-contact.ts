/**
 * The contact the attribution has just read from GHL, carried to the run's first step when the attribution's
 * statement hands that step to this process's worker (src/jobs/hand-off.ts). The step runs at once after it, and
 * read the same contact again: one GHL call of six per missed call, and one request of the location's GHL budget
 * (docs/ghl-platform.md §2, rate limits), for a read made a few milliseconds apart. The copy travels only in the
 * memory of the job handed off, never in the stored payload: a claim of the job from the table (a retry, a
 * recovery after a crash, another instance) has none and reads GHL again, and so does a step that starts later
 * than CARRIED_CONTACT_MS after the read.
 */
import { z } from 'zod';
import type { GhlContact } from '../ghl/api.js';

/** How old a carried read may be when the step decides with it (product time). */
export const CARRIED_CONTACT_MS = 5_000;

export const carriedContactSchema = z.object({ readAt: z.number(), contact: z.custom<GhlContact>(isContact) });
export type CarriedContact = z.infer<typeof carriedContactSchema>;

/** The copy the step is handed: the contact as read, with the tags the attribution has since added in GHL. */
export function carryContact(contact: GhlContact, addedTags: readonly string[], readAt: Date): CarriedContact {
  const tags = [...contact.tags];
  for (const t of addedTags) if (!tags.some((have) => have.toLowerCase() === t.toLowerCase())) tags.push(t);
  return { readAt: readAt.getTime(), contact: { ...contact, tags } };
}

/** The carried read when it is of this contact and recent enough, else null (the step reads GHL). */
export function carriedContactFor(
  carried: CarriedContact | undefined,
  locationId: string,
  contactId: string,
  now: Date,
): GhlContact | null {
  if (!carried) return null;
  const age = now.getTime() - carried.readAt;
  if (age < 0 || age > CARRIED_CONTACT_MS) return null;
  const { contact } = carried;
  return contact.id === contactId && contact.locationId === locationId ? contact : null;
}

function isContact(v: unknown): v is GhlContact {
  if (!v || typeof v !== 'object') return false;
  const c = v as Record<string, unknown>;
  return typeof c['id'] === 'string' && Array.isArray(c['tags']) && typeof c['dnd'] === 'boolean';
}
