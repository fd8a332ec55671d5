import { type ApiCall, type ApiRoute, queryString } from './api.js';
import { GhlError } from './ghl-http.js';

/** GHL's answer to a token without the scope a route needs (docs/ghl-oauth.md, 401). */
export const SCOPE_REFUSED = 'The token is not authorized for this scope.';

/** The scope each route needs, from the `security` of its operation in GHL's specs (apps/*.json). */
const SCOPES: Record<string, string> = {
  'post /conversations/messages': 'conversations/message.write',
  'get /conversations/search': 'conversations.readonly',
  'get /conversations/:conversationId/messages': 'conversations/message.readonly',
  'get /conversations/messages/:messageId': 'conversations/message.readonly',
  'get /conversations/messages/email/:id': 'conversations/message.readonly',
  'get /conversations/messages/export': 'conversations/message.readonly',
  'get /contacts/:contactId': 'contacts.readonly',
  'get /contacts/:contactId/tasks': 'contacts.readonly',
  'get /contacts/search/duplicate': 'contacts.readonly',
  'post /contacts': 'contacts.write',
  'post /contacts/upsert': 'contacts.write',
  'put /contacts/:contactId': 'contacts.write',
  'post /contacts/:contactId/tags': 'contacts.write',
  'delete /contacts/:contactId/tags': 'contacts.write',
  'post /contacts/:contactId/tasks': 'contacts.write',
  'get /contacts/:contactId/tasks/:taskId': 'contacts.readonly',
  'put /contacts/:contactId/tasks/:taskId': 'contacts.write',
  'put /contacts/:contactId/tasks/:taskId/completed': 'contacts.write',
  'get /users': 'users.readonly',
  'get /users/:userId': 'users.readonly',
  'get /users/search': 'users.readonly',
  'get /locations/:locationId': 'locations.readonly',
  'get /calendars': 'calendars.readonly',
  'get /phone-system/numbers/location/:locationId': 'phonenumbers.read',
  'get /oauth/installedLocations': 'oauth.readonly',
  'post /oauth/locationToken': 'oauth.write',
  'get /opportunities/search': 'opportunities.readonly',
};

function needed(route: ApiRoute, call: ApiCall): string[] {
  const scope = SCOPES[`${route.method} ${route.path}`];
  const out = scope ? [scope] : [];
  // Numbers in pools come only with skipNumberPool=false; the sandbox asks numberpools.read for them (assumed).
  if (route.path.startsWith('/phone-system/numbers') && queryString(call, 'skipNumberPool') === 'false') {
    out.push('numberpools.read');
  }
  return out;
}

/**
 * The route, refusing a token whose grant lacks the scope it needs with GHL's 401. A token granted no scopes at
 * all (handed out by `issueTokens`, without the OAuth dance) may do everything.
 */
export function withScopes(route: ApiRoute): ApiRoute {
  if (route.open) return route;
  return {
    ...route,
    handler: (call) => {
      const granted = call.grant?.scope.split(/\s+/).filter(Boolean) ?? [];
      if (granted.length > 0 && needed(route, call).some((s) => !granted.includes(s))) {
        throw new GhlError(401, SCOPE_REFUSED);
      }
      return route.handler(call);
    },
  };
}
