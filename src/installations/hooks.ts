import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { stopLocationRuns } from '../followup/runs.js';
import { createDefaultSettings } from '../settings/store.js';
import { requestLocationRefresh, saveBusinessAddress } from './location-profile.js';
import type { GhlCalendar } from '../ghl/api.js';

/** What the install flow learnt about a location, for features that set themselves up at install. */
export interface InstalledLocationInfo {
  companyId: string | null;
  name: string | null;
  timezone: string | null;
  /** The location's calendars (the first active one gives the default booking link); empty when unknown. */
  calendars: GhlCalendar[];
  /** The business's postal address for email footers; undefined when the location could not be read. */
  postalAddress?: string | null;
  /** The agency's white-label domain: the default booking link is built on it. */
  whiteLabelDomain: string | null;
}

/**
 * Runs inside the transaction that completes an install: OAuth callback, INSTALL webhook with a minted token,
 * or a reinstall. It can run again for a location already set up (a repeated install), so what runs here must
 * be idempotent and keep what the owner configured. The settings feature creates the default settings here.
 */
export async function onLocationInstalled(
  trx: Kysely<Database>,
  locationId: string,
  info: InstalledLocationInfo,
  now: Date,
): Promise<void> {
  // The agency's template, when it keeps one, is where a new sub-account starts (docs/design.md, agency portfolio).
  await createDefaultSettings(trx, locationId, {
    calendars: info.calendars,
    whiteLabelDomain: info.whiteLabelDomain,
    companyId: info.companyId,
  });
  // The business address for email footers; when the install could not read the location, a job asks GHL
  // again (GHL is not called inside this transaction).
  if (info.postalAddress === undefined) await requestLocationRefresh(trx, locationId, now);
  else await saveBusinessAddress(trx, locationId, info.postalAddress, now);
}

/**
 * Runs inside the transaction that marks a location uninstalled (its tokens are already deleted). The follow-up
 * engine stops the location's active runs here; nothing may call GHL for the location afterwards.
 */
export async function onLocationUninstalled(trx: Kysely<Database>, locationId: string, at: Date): Promise<void> {
  await stopLocationRuns(trx, locationId, at);
}
