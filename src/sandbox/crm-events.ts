import { contactEvent } from './events.js';
import type { Contact, User } from './model.js';

/** DOCS docs/webhook events/ContactDelete.md: the contact's fields as they were, its id as `id`, no DND settings. */
export function contactDeleteEvent(c: Contact): Record<string, unknown> {
  const { dndSettings: _dnd, ...fields } = contactEvent('ContactDelete', c);
  return fields;
}

/**
 * DOCS docs/webhook events/UserCreate.md, the sub-account example. GHL documents no UserDelete; the sandbox sends
 * the same fields under that type, which is what Ringback reads defensively (docs/ghl-reconciliation.md).
 */
export function userEvent(type: 'UserCreate' | 'UserDelete', u: User): Record<string, unknown> {
  return {
    type,
    locationId: u.locationId,
    id: u.id,
    firstName: u.firstName,
    lastName: u.lastName,
    email: u.email,
    phone: u.phone,
    extension: '',
    role: u.role,
    permissions: permissionsOf(u),
  };
}

/** UserCreate.md's permission flags, each present in the event (the example's values; an admin has them all). */
const PERMISSIONS = [
  'adwordsReportingEnabled',
  'affiliateManagerEnabled',
  'agentReportingEnabled',
  'appointmentsEnabled',
  'assignedDataOnly',
  'attributionsReportingEnabled',
  'bloggingEnabled',
  'botService',
  'bulkRequestsEnabled',
  'campaignsEnabled',
  'campaignsReadOnly',
  'cancelSubscriptionEnabled',
  'communitiesEnabled',
  'contactsEnabled',
  'contentAiEnabled',
  'conversationsEnabled',
  'dashboardStatsEnabled',
  'facebookAdsReportingEnabled',
  'funnelsEnabled',
  'invoiceEnabled',
  'leadValueEnabled',
  'marketingEnabled',
  'membershipEnabled',
  'onlineListingsEnabled',
  'opportunitiesEnabled',
  'paymentsEnabled',
  'phoneCallEnabled',
  'recordPaymentEnabled',
  'refundsEnabled',
  'reviewsEnabled',
  'settingsEnabled',
  'socialPlanner',
  'tagsEnabled',
  'triggersEnabled',
  'websitesEnabled',
  'workflowsEnabled',
  'workflowsReadOnly',
] as const;
const OFF_FOR_USERS = new Set<string>([
  'affiliateManagerEnabled',
  'assignedDataOnly',
  'botService',
  'campaignsReadOnly',
  'workflowsReadOnly',
]);

function permissionsOf(u: User): Record<string, boolean> {
  return Object.fromEntries(PERMISSIONS.map((p) => [p, u.role === 'admin' || !OFF_FOR_USERS.has(p)]));
}
