/**
 * Links from the call log into GHL's web app (docs/ghl-platform.md §11): the contact's page and the call's
 * conversation, on the agency's white-label domain when its install named one.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';

export const GHL_APP_ORIGIN = 'https://app.gohighlevel.com';

export function contactUrl(origin: string, locationId: string, contactId: string): string {
  return `${origin}/v2/location/${encodeURIComponent(locationId)}/contacts/detail/${encodeURIComponent(contactId)}`;
}

/**
 * The call's conversation in GHL's inbox. GHL documents no deep-link format (docs/ghl-platform.md §11): this is
 * the path of GHL's web app; without a kept conversation id the contact's page (which shows the conversation) is
 * the link.
 */
export function conversationUrl(
  origin: string,
  locationId: string,
  contactId: string,
  conversationId: string | null,
): string {
  if (!conversationId) return contactUrl(origin, locationId, contactId);
  return `${origin}/v2/location/${encodeURIComponent(locationId)}/conversations/conversations/${encodeURIComponent(conversationId)}`;
}

/** The origin the location's users open GHL on: the white-label domain of its install or agency, else GHL's. */
export async function appOrigin(db: Kysely<Database>, locationId: string): Promise<string> {
  const row = await db
    .selectFrom('installations as i')
    .leftJoin('company_installs as c', 'c.company_id', 'i.company_id')
    .select(['i.white_label_domain as own', 'c.white_label_domain as agency'])
    .where('i.location_id', '=', locationId)
    .executeTakeFirst();
  const domain = row?.own ?? row?.agency ?? null;
  return domain && /^[a-z0-9.-]+$/i.test(domain) ? `https://${domain.toLowerCase()}` : GHL_APP_ORIGIN;
}
