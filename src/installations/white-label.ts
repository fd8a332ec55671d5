/**
 * White-label agencies serve GHL on their own domain, so the settings page is framed from it and their leads
 * know that domain. INSTALL carries it as `whitelabelDetails.domain` (docs/ghl-oauth.md, white-label).
 */
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import { GHL_WIDGET_ORIGIN, rebasedBookingLink } from '../settings/booking-link.js';
import { loadSettings, saveSettings } from '../settings/store.js';

// A host name (and, for local set-ups, a port): it ends up in a Content-Security-Policy header and a page.
const HOST = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+(?::\d{1,5})?$/;

/** The domain of an INSTALL, as a bare host; null when absent or not a host (the install still goes through). */
export function whiteLabelDomainOf(event: { whitelabelDetails?: { domain?: string | null } | null }): string | null {
  const raw = event.whitelabelDetails?.domain;
  if (typeof raw !== 'string') return null;
  const bare = raw
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/\/+$/, '');
  return bare.length <= 260 && HOST.test(bare) ? bare : null;
}

export async function setLocationWhiteLabel(trx: Kysely<Database>, locationId: string, domain: string): Promise<void> {
  await trx
    .updateTable('installations')
    .set({ white_label_domain: domain })
    .where('location_id', '=', locationId)
    .execute();
}

export async function setCompanyWhiteLabel(trx: Kysely<Database>, companyId: string, domain: string): Promise<void> {
  await trx
    .updateTable('company_installs')
    .set({ white_label_domain: domain })
    .where('company_id', '=', companyId)
    .execute();
}

/** The location's white-label domain, else its agency's. */
export async function whiteLabelDomainOfLocation(db: Kysely<Database>, locationId: string): Promise<string | null> {
  const row = await db
    .selectFrom('installations as i')
    .leftJoin('company_installs as c', 'c.company_id', 'i.company_id')
    .select(['i.white_label_domain as own', 'c.white_label_domain as agency'])
    .where('i.location_id', '=', locationId)
    .executeTakeFirst();
  return row?.own ?? row?.agency ?? null;
}

/** Every white-label domain of a live install. */
async function installedDomains(db: Kysely<Database>): Promise<string[]> {
  const rows = await db
    .selectFrom('installations')
    .select('white_label_domain as domain')
    .where('status', '=', 'installed')
    .where('white_label_domain', 'is not', null)
    .union(
      db
        .selectFrom('company_installs')
        .select('white_label_domain as domain')
        .where('status', '=', 'installed')
        .where('white_label_domain', 'is not', null),
    )
    .execute();
  return rows.flatMap((r) => (r.domain && HOST.test(r.domain) ? [r.domain] : []));
}

/** How long a page load may use the list it read before (product time). An INSTALL waits at most this long. */
const CACHE_MS = 30_000;

/**
 * The origins of every installed white-label domain, for the page's frame-ancestors and its REQUEST_USER_DATA
 * check. The page request carries no location (GHL frames a fixed URL), so it cannot be narrowed to one
 * agency's domain; what keeps one agency out of another's data is the encrypted SSO payload, not the origin.
 * The scheme is the page's own: https in production, http on a local set-up.
 */
export function whiteLabelOrigins(deps: { db: Kysely<Database>; clock: Clock }, scheme: () => string) {
  let cached: { at: number; origins: Promise<string[]> } | null = null;
  return (): Promise<string[]> => {
    const now = deps.clock.now().getTime();
    if (!cached || now - cached.at >= CACHE_MS) {
      const origins = installedDomains(deps.db).then((ds) => ds.map((d) => `${scheme()}://${d}`));
      cached = { at: now, origins };
      origins.catch(() => {
        cached = null;
      });
    }
    return cached.origins;
  };
}

/**
 * A default booking link (GHL's widget domain) moves to the white-label domain once that is known, unless the
 * owner has changed it: their leads should see the agency's domain, not GHL's.
 */
export async function rebaseDefaultBookingLink(
  db: Kysely<Database>,
  locationId: string,
  domain: string,
  now: Date,
): Promise<void> {
  const current = await loadSettings(db, locationId);
  if (!current?.settings.bookingLink.startsWith(`${GHL_WIDGET_ORIGIN}/`)) return;
  const settings = { ...current.settings, bookingLink: rebasedBookingLink(current.settings.bookingLink, domain) };
  await saveSettings(db, {
    locationId,
    expectedVersion: current.version,
    settings,
    user: { userId: 'ringback', userName: 'Ringback (white-label domain from GHL)' },
    now,
  }).catch(() => {
    // Someone saved meanwhile: their link stands.
  });
}
