import { type Answer, type ApiCall, type ApiRoute, grantOf, param, requireQuery, traced } from './api.js';
import { authorizeLocation } from './auth.js';
import { GhlError } from './ghl-http.js';
import type { Calendar, Location, PhoneNumber, User } from './model.js';
import type { Deps } from './records.js';

/** Read-only sub-account data: users, the location, tracking numbers, calendars (docs/ghl-platform.md §7). */

function userView(u: User): Record<string, unknown> {
  return {
    id: u.id,
    name: u.name,
    firstName: u.firstName,
    lastName: u.lastName,
    email: u.email,
    phone: u.phone,
    extension: '',
    permissions: {},
    scopes: '',
    roles: { type: 'account', role: u.role, locationIds: [u.locationId], restrictSubAccount: false },
    deleted: false,
    lcPhone: {},
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

function oneUser(deps: Deps) {
  return (call: ApiCall): Answer => {
    const grant = grantOf(call);
    const id = param(call, 'userId');
    const locations = grant.locationId ? [grant.locationId] : deps.store.locations(grant.companyId).map((l) => l.id);
    const user = locations.map((l) => deps.store.user(l, id)).find((u) => u !== undefined);
    if (!user) throw new GhlError(404, 'User not found');
    return traced(200, userView(user));
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
    const list = deps.store.numbers(locationId).map(numberView);
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
    { method: 'get', path: '/users/:userId', handler: oneUser(deps) },
    { method: 'get', path: '/locations/:locationId', handler: location(deps) },
    { method: 'get', path: '/phone-system/numbers/location/:locationId', handler: numbers(deps) },
    { method: 'get', path: '/calendars', handler: calendars(deps) },
  ];
}
