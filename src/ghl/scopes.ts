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
  // Numbers in number pools are listed only with skipNumberPool=false, which needs this scope too.
  'numberpools.read',
  // Opportunity webhooks: what a recovered lead was worth (docs/ghl-webhooks.md, Opportunities).
  'opportunities.readonly',
  // VoiceAiCallEnd: what GHL's Voice AI did with the caller (docs/ghl-webhooks.md, Voice AI).
  'voice-ai-dashboard.readonly',
  // Bulk (agency) installs: list installed locations, mint location tokens.
  'oauth.readonly',
  'oauth.write',
] as const;

type Scope = (typeof GHL_SCOPES)[number];

/** The scope each call Ringback makes needs (docs/ghl-oauth.md, scopes), to tell the owner which one is missing. */
const NEEDS: Array<[method: string, path: RegExp, scope: Scope]> = [
  ['POST', /^\/conversations\/messages$/, 'conversations/message.write'],
  ['GET', /^\/conversations\/search/, 'conversations.readonly'],
  ['GET', /^\/conversations\//, 'conversations/message.readonly'],
  ['GET', /^\/contacts\//, 'contacts.readonly'],
  ['*', /^\/contacts\//, 'contacts.write'],
  ['GET', /^\/users\//, 'users.readonly'],
  ['GET', /^\/locations\/[^/]+$/, 'locations.readonly'],
  ['*', /^\/locations\/[^/]+\/tasks/, 'locations/tasks.readonly'],
  ['GET', /^\/calendars\//, 'calendars.readonly'],
  ['GET', /^\/phone-system\/numbers\//, 'phonenumbers.read'],
  ['GET', /^\/phone-system\/number-pools/, 'numberpools.read'],
  ['GET', /^\/opportunities\//, 'opportunities.readonly'],
];

export function scopeOf(method: string, path: string, query: Record<string, unknown> = {}): Scope | null {
  // Asking for pooled numbers is what numberpools.read adds to phonenumbers.read.
  if (path.startsWith('/phone-system/numbers/') && query['skipNumberPool'] === 'false') return 'numberpools.read';
  const hit = NEEDS.find(([m, p]) => (m === '*' || m === method) && p.test(path));
  return hit ? hit[2] : null;
}
