import type { Location } from './model.js';
import type { PlatformDeps } from './phone-calls.js';
import type { DeliveryResult } from './types.js';

export interface LocationChange {
  locationId: string;
  changes: Partial<Omit<Location, 'id' | 'companyId'>>;
}

/**
 * An owner edits the sub-account's business profile in GHL: the location changes and GHL sends `LocationUpdate`
 * in its documented shape (docs/webhook events/LocationUpdate.md: type, id, companyId, name, email,
 * stripeProductId), which says nothing of what changed.
 */
export async function updateLocation(deps: PlatformDeps, input: LocationChange): Promise<{ delivery: DeliveryResult }> {
  const location = deps.store.location(input.locationId);
  if (!location) throw new Error(`sandbox: no location ${input.locationId}`);
  Object.assign(location, input.changes);
  // The sandbox's locations sell no SaaS product: `stripeProductId` is null.
  const event = {
    type: 'LocationUpdate',
    id: location.id,
    companyId: location.companyId,
    name: location.name,
    email: location.email,
    stripeProductId: null,
  };
  return { delivery: await deps.deliver(event) };
}
