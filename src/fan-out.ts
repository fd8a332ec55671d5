import type { AppDeps } from './app.js';
import { ingestEvent } from './followup/ingest.js';
import { missedCallWebhook } from './followup/missed-call.js';
import { stopLocationRuns } from './followup/runs.js';
import { requestLocationRefresh } from './installations/location-profile.js';
import { handleInstallEvent, handleUninstallEvent, type LocationHooks } from './installations/install.js';
import { createDefaultSettings } from './settings/store.js';
import type { WebhookHandlers } from './webhooks/process.js';

/**
 * What one feature's event sets off in the others, wired here at the root so that no feature imports another
 * to call it (issue 16: webhooks/ knows no feature, installations/ neither settings nor followup).
 */

/** A location's install and uninstall, as the other features take them. */
export const locationHooks: LocationHooks = {
  // The settings feature creates the default settings, from the agency's template when it keeps one
  // (docs/design.md, agency portfolio); a repeated install keeps what the owner configured.
  async installed(trx, locationId, info) {
    await createDefaultSettings(trx, locationId, {
      calendars: info.calendars,
      whiteLabelDomain: info.whiteLabelDomain,
      companyId: info.companyId,
    });
  },
  // The follow-up engine stops the location's active runs.
  async uninstalled(trx, locationId, at) {
    await stopLocationRuns(trx, locationId, at);
  },
};

/**
 * A stored webhook's handlers: INSTALL, UNINSTALL and LocationUpdate to the installations feature, the rest to
 * the follow-up engine.
 */
export function webhookHandlers(deps: AppDeps): WebhookHandlers {
  return {
    installed: (event) => handleInstallEvent(deps, event),
    async uninstalled(trx, event, now) {
      const ended = await handleUninstallEvent(trx, deps.locationHooks, event, now);
      // Before the commit: a call that reads the row meanwhile still costs at most one 401 (ghl/token-cache.ts).
      for (const id of ended) deps.ghlAuth.vault.forget(id);
      if (ended.length) deps.logger.info({ locations: ended }, 'uninstalled');
    },
    direct: (stored, job) => missedCallWebhook(deps, stored, job),
    async event(trx, stored) {
      const { event } = stored;
      if (event.type !== 'LocationUpdate') return ingestEvent(trx, deps, stored);
      // The body carries neither the time zone nor the address: the refresh job reads them from GHL.
      await requestLocationRefresh(trx, event.locationId ?? event.id, deps.clock.now());
    },
  };
}
