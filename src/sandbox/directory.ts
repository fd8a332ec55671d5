import { type Answer, type ApiCall, type ApiRoute, grantOf, param, queryString, requireQuery, traced } from './api.js';
import { authorizeLocation } from './auth.js';
import { GhlError } from './ghl-http.js';
import type { AgencyUser, Calendar, Location, PhoneNumber, User } from './model.js';
import type { Deps } from './records.js';
import { DEFAULT_PERMISSIONS } from './user-permissions.js';

/** Read-only sub-account data: users, the location, tracking numbers, calendars (docs/ghl-platform.md §7). */

function userView(u: User | AgencyUser): Record<string, unknown> {
  const roles =
    'companyId' in u
      ? { type: 'agency', role: u.role, locationIds: u.locationIds, restrictSubAccount: u.restrictSubAccount }
      : { type: 'account', role: u.role, locationIds: [u.locationId], restrictSubAccount: false };
  return {
    id: u.id,
    name: u.name,
    firstName: u.firstName,
    lastName: u.lastName,
    email: u.email,
    phone: u.phone,
    extension: '',
    permissions: { ...DEFAULT_PERMISSIONS },
    scopes: '',
    roles,
    deleted: u.deleted === true,
    // "LC Phone Inbound Phone Numbers": by location id (the doc's example key `locationId` stands for one).
    lcPhone: 'companyId' in u || !u.phone ? {} : { [u.locationId]: u.phone },
    platformLanguage: 'en_US',
  };
}

function locationView(l: Location): Record<string, unknown> {
  const { id, companyId, name, address, city, state, country, postalCode, website, timezone, email, phone } = l;
  return {
    ...{ id, companyId, name, address, city, state, country, postalCode, website, timezone, email, phone },
    domain: '',
    logoUrl: '',
    firstName: '',
    lastName: '',
    business: { name, address, city, state, country, postalCode, website, timezone, logoUrl: '' },
    social: {},
    settings: { allowDuplicateContact: false, allowDuplicateOpportunity: false, allowFacebookNameMerge: false },
    reseller: {},
  };
}

function numberView(n: PhoneNumber): Record<string, unknown> {
  return {
    phoneNumber: n.phoneNumber,
    friendlyName: n.friendlyName,
    sid: `PN${n.phoneNumber.replace(/\D/g, '')}`,
    countryCode: 'US',
    capabilities: { voice: true, sms: true, mms: true, fax: false },
    type: 'local',
    isDefaultNumber: n.isDefaultNumber,
    linkedUser: null,
    linkedRingAllUsers: [],
    inboundCallService: null,
    forwardingNumber: null,
    origin: 'twilio',
  };
}

function calendarView(c: Calendar): Record<string, unknown> {
  return { ...c, calendarType: 'round_robin', widgetType: 'default', teamMembers: [], description: '' };
}

function usersOf(deps: Deps) {
  return (call: ApiCall): Answer => {
    const locationId = requireQuery(call, 'locationId');
    authorizeLocation(grantOf(call), deps.store, locationId);
    return traced(200, { users: deps.store.users(locationId).map(userView) });
  };
}

/**
 * `GET /users/{userId}` (apps/users.json get-user): users of the token's location (or, for a company token,
 * of the company's locations) and the company's agency users. A malformed id is 400 (BadRequestDTO); an id
 * the token cannot see is 401 "The user does not exist." as GHL answers it (highlevel-api-docs issue #205).
 */
function oneUser(deps: Deps) {
  return (call: ApiCall): Answer => {
    const grant = grantOf(call);
    const id = param(call, 'userId');
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(id)) throw new GhlError(400, 'Bad Request');
    const locations = grant.locationId ? [grant.locationId] : deps.store.locations(grant.companyId).map((l) => l.id);
    const agency = deps.store.agencyUser(id);
    const user =
      locations.map((l) => deps.store.user(l, id)).find((u) => u !== undefined) ??
      (agency?.companyId === grant.companyId ? agency : undefined);
    if (!user) throw new GhlError(401, 'The user does not exist.');
    return traced(200, userView(user));
  };
}

/**
 * `GET /users/search` (apps/users.json search-users, Agency-Access or Location-Access, `companyId` required, `ids`
 * a comma-separated filter, `skip`/`limit` strings defaulting to 0/25): `{users: UserSchema[], count}`. A token
 * of another company is refused [U: GHL's wording]; a Location token sees the users of its own location and
 * the company's agency users.
 */
function searchUsers(deps: Deps) {
  return (call: ApiCall): Answer => {
    const grant = grantOf(call);
    const companyId = requireQuery(call, 'companyId');
    if (grant.companyId !== companyId) throw new GhlError(403, 'The token does not have access to this company');
    const locations = grant.locationId ? [grant.locationId] : deps.store.locations(companyId).map((l) => l.id);
    const wanted = queryString(call, 'ids')?.split(',').filter(Boolean);
    const byId = new Map<string, User | AgencyUser>();
    for (const u of deps.store.agencyUsers(companyId)) byId.set(u.id, u);
    for (const l of locations) for (const u of deps.store.users(l)) if (!byId.has(u.id)) byId.set(u.id, u);
    const all = [...byId.values()].filter((u) => wanted === undefined || wanted.includes(u.id));
    const skip = Number(queryString(call, 'skip') ?? 0) || 0;
    const limit = Number(queryString(call, 'limit') ?? 25) || 25;
    return traced(200, { users: all.slice(skip, skip + limit).map(userView), count: all.length });
  };
}

function location(deps: Deps) {
  return (call: ApiCall): Answer => {
    const l = deps.store.location(param(call, 'locationId'));
    if (!l) throw new GhlError(404, 'Location not found');
    authorizeLocation(grantOf(call), deps.store, l.id, { allowCompany: true });
    return traced(200, { location: locationView(l) });
  };
}

function numbers(deps: Deps) {
  return (call: ApiCall): Answer => {
    const locationId = param(call, 'locationId');
    authorizeLocation(grantOf(call), deps.store, locationId);
    // skipNumberPool "Default is true": numbers in pools come only when asked for (apps/phone-system.json).
    const withPools = queryString(call, 'skipNumberPool') === 'false';
    const list = deps.store
      .numbers(locationId)
      .filter((n) => withPools || !n.inNumberPool)
      .map(numberView);
    return traced(200, { numbers: list, pageSize: list.length, page: 1, totalCount: list.length });
  };
}

function calendars(deps: Deps) {
  return (call: ApiCall): Answer => {
    const locationId = requireQuery(call, 'locationId');
    authorizeLocation(grantOf(call), deps.store, locationId);
    return traced(200, { calendars: deps.store.calendars(locationId).map(calendarView) });
  };
}

export function directoryRoutes(deps: Deps): ApiRoute[] {
  return [
    { method: 'get', path: '/users', handler: usersOf(deps) },
    // Before `/users/:userId`: the first matching route answers.
    { method: 'get', path: '/users/search', handler: searchUsers(deps) },
    { method: 'get', path: '/users/:userId', handler: oneUser(deps) },
    { method: 'get', path: '/locations/:locationId', handler: location(deps) },
    { method: 'get', path: '/phone-system/numbers/location/:locationId', handler: numbers(deps) },
    { method: 'get', path: '/calendars', handler: calendars(deps) },
  ];
}
