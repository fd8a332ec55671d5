import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import { type GhlApi, type GhlCalendar, GhlNotInstalledError } from '../ghl/api.js';
import type { GhlAuth } from '../ghl/client.js';
import { endCompany, findInstallation } from '../ghl/token-store.js';
import { companyContext } from '../ghl/tokens.js';
import type { Logger } from '../logger.js';
import { findCompanyOf } from './company-of.js';
import { clearProblems } from './problems.js';
import { requestLocationRefresh, saveBusinessAddress } from './location-profile.js';
import { locationsMintedFrom, markUninstalled, setLocationInfo, upsertCompany, upsertInstallation } from './queries.js';
import {
  rebaseDefaultBookingLink,
  setCompanyWhiteLabel,
  setLocationWhiteLabel,
  whiteLabelDomainOf,
  whiteLabelDomainOfLocation,
} from './white-label.js';

export interface InstallDeps {
  db: Kysely<Database>;
  clock: Clock;
  logger: Logger;
  ghl: GhlApi;
  ghlAuth: GhlAuth;
  locationHooks: LocationHooks;
}

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

/** What other features do when a location comes or goes; the composition root wires them (src/fan-out.ts). */
export interface LocationHooks {
  /**
   * Inside the transaction that completes an install: OAuth callback, INSTALL webhook with a minted token, or
   * a reinstall. It runs again for a location already set up, so it must be idempotent and keep what the
   * owner configured.
   */
  installed(trx: Kysely<Database>, locationId: string, info: InstalledLocationInfo, now: Date): Promise<void>;
  /** Inside the transaction that marks a location uninstalled (its tokens deleted): nothing may call GHL after. */
  uninstalled(trx: Kysely<Database>, locationId: string, at: Date): Promise<void>;
}

export interface InstalledLocation {
  id: string;
  name: string | null;
  /** False while the location waits for a token (GHL refused to mint one, or minting failed). */
  ready: boolean;
}

export type InstallResult =
  | { kind: 'location'; locations: InstalledLocation[] }
  | { kind: 'company'; companyId: string; locations: InstalledLocation[] };

/**
 * With a token in hand: reads the location's name, timezone and calendars (best effort: an install never
 * fails because a read did), stores them and runs the install hook in one transaction.
 */
export async function completeLocationInstall(deps: InstallDeps, locationId: string): Promise<InstalledLocation> {
  const row = await findInstallation(deps.db, locationId);
  const info: InstalledLocationInfo = {
    companyId: row?.company_id ?? null,
    name: null,
    timezone: null,
    calendars: [],
    whiteLabelDomain: await whiteLabelDomainOfLocation(deps.db, locationId),
  };
  try {
    const location = await deps.ghl.getLocation(locationId);
    info.name = location.name;
    info.timezone = location.timezone ?? null;
    info.postalAddress = location.postalAddress ?? null;
    info.companyId = info.companyId ?? location.companyId ?? null;
  } catch (err) {
    if (err instanceof GhlNotInstalledError) throw err;
    deps.logger.warn({ locationId, err: errorText(err) }, 'could not read the location at install');
  }
  info.calendars = await deps.ghl.listCalendars(locationId).catch((err): GhlCalendar[] => {
    if (err instanceof GhlNotInstalledError) throw err;
    deps.logger.warn({ locationId, err: errorText(err) }, 'could not list calendars at install');
    return [];
  });
  await deps.db.transaction().execute(async (trx) => {
    await setLocationInfo(trx, locationId, info, deps.clock.now());
    // A new install is how an owner grants a missing scope: what was recorded against the old one is gone.
    await clearProblems(trx, locationId);
    await deps.locationHooks.installed(trx, locationId, info, deps.clock.now());
    // The business address for email footers; when the location could not be read, a job asks GHL again
    // (GHL is not called inside this transaction).
    if (info.postalAddress === undefined) await requestLocationRefresh(trx, locationId, deps.clock.now());
    else await saveBusinessAddress(trx, locationId, info.postalAddress, deps.clock.now());
  });
  deps.logger.info({ locationId }, 'location installed');
  return { id: locationId, name: info.name, ready: true };
}

/** The OAuth callback's work after the code exchange: a Location token, or a Company token (bulk install). */
export async function installFromCode(deps: InstallDeps, code: string): Promise<InstallResult> {
  const { oauth, vault } = deps.ghlAuth;
  const grant = await oauth.exchangeCode(code);
  const now = deps.clock.now();
  if (grant.userType === 'Location' && grant.locationId) {
    const locationId = grant.locationId;
    const tokens = vault.seal(grant, locationId);
    await deps.db
      .transaction()
      .execute((trx) =>
        upsertInstallation(trx, { locationId, companyId: grant.companyId, userType: 'Location', tokens }, now),
      );
    vault.forget(locationId);
    return { kind: 'location', locations: [await completeLocationInstall(deps, locationId)] };
  }
  if (!grant.companyId) throw new Error('GHL returned a Company token without a companyId');
  const companyId = grant.companyId;
  await deps.db
    .transaction()
    .execute((trx) => upsertCompany(trx, companyId, vault.seal(grant, companyContext(companyId)), now));
  const listed = await oauth.installedLocations(grant.accessToken, companyId);
  const locations: InstalledLocation[] = [];
  for (const l of listed) {
    const done = await installUnderCompany(deps, l.id, companyId).catch((err) => {
      deps.logger.warn({ locationId: l.id, err: errorText(err) }, 'bulk install: location token not minted yet');
      return null;
    });
    locations.push(done ?? { id: l.id, name: l.name, ready: false });
  }
  deps.logger.info({ companyId, locations: locations.length }, 'company installed');
  return { kind: 'company', companyId, locations };
}

/**
 * Marks the location installed and gives it a token from the company token unless it already has one.
 * Null when no company token exists yet: the location stays pending until the OAuth callback brings it.
 */
async function installUnderCompany(
  deps: InstallDeps,
  locationId: string,
  companyId: string | null,
): Promise<InstalledLocation | null> {
  await deps.db
    .transaction()
    .execute((trx) => upsertInstallation(trx, { locationId, companyId, userType: 'Location' }, deps.clock.now()));
  const row = await findInstallation(deps.db, locationId);
  if (row?.access_token_enc) return { id: locationId, name: row.name, ready: true };
  if (!companyId || !(await deps.ghlAuth.vault.mintFromCompany(locationId, companyId))) return null;
  return completeLocationInstall(deps, locationId);
}

export interface InstallEventFacts {
  locationId?: string;
  companyId?: string;
  whitelabelDetails?: { domain?: string | null } | null;
}

/**
 * INSTALL webhook. Whether it comes before or after the OAuth callback, the end state is the same: the callback
 * stores the token, this records the install and mints a token only when a company token can. A location the
 * agency's install reached on its own (no companyId, no callback coming) is looked up among the companies held.
 */
export async function handleInstallEvent(deps: InstallDeps, event: InstallEventFacts): Promise<void> {
  const domain = whiteLabelDomainOf(event);
  if (!event.locationId) {
    // Agency-level INSTALL: the company token arrives with the OAuth callback, which lists the locations.
    if (domain && event.companyId) await setCompanyWhiteLabel(deps.db, event.companyId, domain);
    return;
  }
  const locationId = event.locationId;
  const known = event.companyId ?? (await findInstallation(deps.db, locationId))?.company_id ?? null;
  const companyId = known ?? (await findCompanyOf(deps, locationId));
  await deps.db.transaction().execute(async (trx) => {
    await upsertInstallation(trx, { locationId, companyId, userType: 'Location' }, deps.clock.now());
    if (domain) await setLocationWhiteLabel(trx, locationId, domain);
  });
  const done = await installUnderCompany(deps, locationId, companyId);
  if (!done) deps.logger.info({ locationId }, 'INSTALL recorded; token pending the OAuth callback');
  else if (domain) await rebaseDefaultBookingLink(deps.db, locationId, domain, deps.clock.now());
}

/** UNINSTALL webhook, in the caller's transaction: tokens deleted, hook run, for the location or agency. */
export async function handleUninstallEvent(
  trx: Kysely<Database>,
  hooks: LocationHooks,
  event: { locationId?: string; companyId?: string },
  now: Date,
): Promise<string[]> {
  const ended: string[] = [];
  const locations = event.locationId ? [event.locationId] : [];
  if (!event.locationId && event.companyId) {
    await endCompany(trx, event.companyId, 'uninstalled', now);
    // An agency uninstall removes the app from the locations its bulk install reached.
    locations.push(...(await locationsMintedFrom(trx, event.companyId)));
  }
  for (const id of locations) {
    if (!(await markUninstalled(trx, id, now))) continue;
    await hooks.uninstalled(trx, id, now);
    ended.push(id);
  }
  return ended;
}

function errorText(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}
