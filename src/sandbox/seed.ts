import type { AgencyUser, Calendar, Contact, Location, PhoneNumber, User } from './model.js';

/** Deterministic ids of the seed, for tests and the demo to import. */
export const COMPANY_ID = 'comp_ringback_demo';
export const COMPANY_NAME = 'Ringback Demo Agency';
export const LOCATION_ID = 'loc_demo_1';
export const LOCATION_2_ID = 'loc_demo_2';
export const USERS = { ana: 'user_rep_ana', ben: 'user_rep_ben', maya: 'user_mgr_maya' } as const;
export const USERS_2 = { carla: 'user_rep_carla', dev: 'user_rep_dev', omar: 'user_mgr_omar' } as const;
export const TRACKING_NUMBERS = {
  facebook: '+15550001111',
  website: '+15550002222',
  google: '+15550003333',
  main: '+15550009999',
} as const;
export const CALENDAR_ID = 'cal_bright_smile_consult';
/** The agency's own users (`roles.type` `agency`): its owner, and an account manager limited to one sub-account. */
export const AGENCY_USERS = { owner: 'user_agency_owner', manager: 'user_agency_manager' } as const;
export const CONTACTS = {
  /** Miami (305), no state or timezone on the contact: the app must fall back to the area code. */
  jane: 'con_jane_cooper',
  marcus: 'con_marcus_lee',
  /** Tagged VIP: a high-value contact. */
  priya: 'con_priya_shah',
  /** `dnd: true`: every channel blocked. */
  tom: 'con_tom_becker',
  /** SMS DND only; email allowed. */
  olivia: 'con_olivia_grant',
  /** In loc_demo_2. */
  sam: 'con_sam_rivera',
} as const;

export interface LocationSeed {
  location: Location;
  users: User[];
  numbers: PhoneNumber[];
  calendars: Calendar[];
  contacts: Contact[];
}

export interface SeedData {
  companyId: string;
  companyName: string;
  locations: LocationSeed[];
  agencyUsers: AgencyUser[];
}

export type ContactInput = Pick<Contact, 'id' | 'firstName' | 'lastName' | 'phone'> & Partial<Contact>;

/** A contact record with GHL's defaults for what `c` leaves out (no DND, no tags, email from the name). */
export function contactRecord(locationId: string, at: string, c: ContactInput): Contact {
  const first = c.firstName ?? '';
  const last = c.lastName ?? '';
  return {
    locationId,
    name: `${first} ${last}`.trim(),
    email: `${first}.${last}@example.com`.toLowerCase(),
    timezone: null,
    state: null,
    city: null,
    tags: [],
    dnd: false,
    dndSettings: {},
    source: null,
    assignedTo: null,
    dateAdded: at,
    dateUpdated: at,
    ...c,
  };
}

function user(locationId: string, id: string, name: string, role: User['role']): User {
  const [firstName = '', lastName = ''] = name.split(' ');
  const email = `${firstName}.${lastName}@example.com`.toLowerCase();
  return { id, locationId, firstName, lastName, name, email, phone: '', role };
}

export function locationRecord(id: string, name: string, timezone: string, companyId = COMPANY_ID): Location {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return {
    id,
    companyId,
    name,
    timezone,
    email: `office@${slug}.example.com`,
    phone: '',
    address: '100 Main St',
    city: '',
    state: '',
    country: 'US',
    postalCode: '',
    website: `https://${slug}.example.com`,
  };
}

function number(locationId: string, phoneNumber: string, friendlyName: string, isDefault = false): PhoneNumber {
  return { locationId, phoneNumber, friendlyName, isDefaultNumber: isDefault };
}

/** The two demo locations; `at` (the clock's start) becomes the contacts' dateAdded. */
export function buildSeed(at: string): SeedData {
  const l1 = LOCATION_ID;
  const l2 = LOCATION_2_ID;
  const dental: LocationSeed = {
    location: { ...locationRecord(l1, 'Bright Smile Dental', 'America/New_York'), city: 'New York', state: 'NY' },
    users: [
      user(l1, USERS.ana, 'Ana Lopez', 'user'),
      user(l1, USERS.ben, 'Ben Carter', 'user'),
      user(l1, USERS.maya, 'Maya Patel', 'admin'),
    ],
    numbers: [
      number(l1, TRACKING_NUMBERS.facebook, 'Facebook Ad Line'),
      number(l1, TRACKING_NUMBERS.website, 'Website Line'),
      number(l1, TRACKING_NUMBERS.google, 'Google Ads Line'),
      number(l1, TRACKING_NUMBERS.main, 'Main Office', true),
    ],
    calendars: [
      {
        id: CALENDAR_ID,
        locationId: l1,
        name: 'New Patient Consultation',
        isActive: true,
        slug: 'bright-smile-consult',
        widgetSlug: 'bright-smile-consult',
      },
    ],
    contacts: [
      contactRecord(l1, at, { id: CONTACTS.jane, firstName: 'Jane', lastName: 'Cooper', phone: '+13055550142' }),
      contactRecord(l1, at, {
        id: CONTACTS.marcus,
        firstName: 'Marcus',
        lastName: 'Lee',
        phone: '+12125550187',
        state: 'NY',
        city: 'New York',
        timezone: 'America/New_York',
      }),
      contactRecord(l1, at, {
        id: CONTACTS.priya,
        firstName: 'Priya',
        lastName: 'Shah',
        phone: '+13125550199',
        tags: ['VIP'],
      }),
      contactRecord(l1, at, {
        id: CONTACTS.tom,
        firstName: 'Tom',
        lastName: 'Becker',
        phone: '+16175550123',
        dnd: true,
      }),
      contactRecord(l1, at, {
        id: CONTACTS.olivia,
        firstName: 'Olivia',
        lastName: 'Grant',
        phone: '+14155550166',
        state: 'CA',
        dndSettings: { SMS: { status: 'active', message: 'Replied STOP', code: '' } },
      }),
    ],
  };
  const plumbing: LocationSeed = {
    location: { ...locationRecord(l2, 'Lakeside Plumbing', 'America/Chicago'), city: 'Chicago', state: 'IL' },
    users: [
      user(l2, USERS_2.carla, 'Carla Diaz', 'user'),
      user(l2, USERS_2.dev, 'Dev Shah', 'user'),
      user(l2, USERS_2.omar, 'Omar Reed', 'admin'),
    ],
    numbers: [number(l2, '+15550004444', 'Website Line'), number(l2, '+15550008888', 'Main Office', true)],
    calendars: [],
    contacts: [
      contactRecord(l2, at, { id: CONTACTS.sam, firstName: 'Sam', lastName: 'Rivera', phone: '+17135550111' }),
    ],
  };
  const agency = (id: string, name: string, role: User['role'], locationIds: string[]): AgencyUser => {
    const { locationId: _, ...rest } = user('', id, name, role);
    return { ...rest, companyId: COMPANY_ID, locationIds, restrictSubAccount: locationIds.length > 0 };
  };
  const agencyUsers = [
    agency(AGENCY_USERS.owner, 'Alex Morgan', 'admin', []),
    agency(AGENCY_USERS.manager, 'Jamie Fox', 'user', [l2]),
  ];
  return { companyId: COMPANY_ID, companyName: COMPANY_NAME, locations: [dental, plumbing], agencyUsers };
}

export interface AddLocationInput {
  id?: string;
  name?: string;
  timezone?: string;
  companyId?: string;
  /** Mark the app installed at once (benchmarks skip the OAuth dance). Default false. */
  installed?: boolean;
}

/**
 * A generated location with two reps, a manager and two tracking numbers. Numbers use the 556 prefix and the
 * location's ordinal so thousands of locations never share a number with each other or the seed.
 */
export function generatedLocation(ordinal: number, input: AddLocationInput): LocationSeed {
  const id = input.id ?? `loc_gen_${String(ordinal).padStart(5, '0')}`;
  const name = input.name ?? `Demo Business ${ordinal}`;
  const base = 5560000000 + ordinal * 10;
  return {
    location: locationRecord(id, name, input.timezone ?? 'America/New_York', input.companyId ?? COMPANY_ID),
    users: [
      user(id, `${id}_rep_1`, 'Riley Morgan', 'user'),
      user(id, `${id}_rep_2`, 'Jordan Hayes', 'user'),
      user(id, `${id}_mgr`, 'Casey Brooks', 'admin'),
    ],
    numbers: [number(id, `+1${base + 1}`, 'Ads Line'), number(id, `+1${base + 9}`, 'Main Office', true)],
    calendars: [{ id: `${id}_cal`, locationId: id, name: 'Appointments', isActive: true, slug: id, widgetSlug: id }],
    contacts: [],
  };
}
