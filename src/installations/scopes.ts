/**
 * The OAuth scopes Ringback asks for (docs/ghl-platform.md §4 Scopes), in one place: the install URL and
 * marketplace-manifest.json both use this list.
 */
export const GHL_SCOPES = [
  // InboundMessage/OutboundMessage webhooks (calls, replies) and message history.
  'conversations/message.readonly',
  // Apology SMS and emails.
  'conversations/message.write',
  // Find the contact's conversation for the REST fallback check.
  'conversations.readonly',
  // Contacts (DND, timezone, tags), tasks; ContactDndUpdate and task webhooks.
  'contacts.readonly',
  'contacts.write',
  // Reps to route callback tasks to.
  'users.readonly',
  // Location name and timezone.
  'locations.readonly',
  'locations/tasks.readonly',
  // Booking link and AppointmentCreate/Update (the latter's scope is not documented: docs/ghl-platform.md §4 Scopes).
  'calendars.readonly',
  'calendars/events.readonly',
  // Tracking numbers for lead-source mapping.
  'phonenumbers.read',
  // Bulk (agency) installs: list installed locations, mint location tokens.
  'oauth.readonly',
  'oauth.write',
] as const;
