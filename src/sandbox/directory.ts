import { type Request, type Response, Router } from 'express';
import { authorizeLocation, grantOf } from './context.js';
import { GhlError, param, requireQuery, sendJson } from './ghl-http.js';
import type { Calendar, Location, PhoneNumber, User } from './model.js';
import type { Deps } from './records.js';

/** Read-only sub-account data: users, the location, tracking numbers, calendars (ghl-api.md 3.5, 3.6, 3.8, 3.9). */

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
  return (req: Request, res: Response): void => {
    const locationId = requireQuery(req, 'locationId');
    authorizeLocation(req, deps.store, locationId);
    sendJson(res, 200, { users: deps.store.users(locationId).map(userView) });
  };
}

function oneUser(deps: Deps) {
  return (req: Request, res: Response): void => {
    const grant = grantOf(req);
    const id = param(req, 'userId');
    const locations = grant.locationId ? [grant.locationId] : deps.store.locations(grant.companyId).map((l) => l.id);
    const user = locations.map((l) => deps.store.user(l, id)).find((u) => u !== undefined);
    if (!user) throw new GhlError(404, 'User not found');
    sendJson(res, 200, userView(user));
  };
}

function location(deps: Deps) {
  return (req: Request, res: Response): void => {
    const l = deps.store.location(param(req, 'locationId'));
    if (!l) throw new GhlError(404, 'Location not found');
    authorizeLocation(req, deps.store, l.id, { allowCompany: true });
    sendJson(res, 200, { location: locationView(l) });
  };
}

function numbers(deps: Deps) {
  return (req: Request, res: Response): void => {
    const locationId = param(req, 'locationId');
    authorizeLocation(req, deps.store, locationId);
    const list = deps.store.numbers(locationId).map(numberView);
    sendJson(res, 200, { numbers: list, pageSize: list.length, page: 1, totalCount: list.length });
  };
}

function calendars(deps: Deps) {
  return (req: Request, res: Response): void => {
    const locationId = requireQuery(req, 'locationId');
    authorizeLocation(req, deps.store, locationId);
    sendJson(res, 200, { calendars: deps.store.calendars(locationId).map(calendarView) });
  };
}

export function directoryRouter(deps: Deps): Router {
  const r = Router();
  r.get('/users', usersOf(deps));
  r.get('/users/:userId', oneUser(deps));
  r.get('/locations/:locationId', location(deps));
  r.get('/phone-system/numbers/location/:locationId', numbers(deps));
  r.get('/calendars', calendars(deps));
  return r;
}
