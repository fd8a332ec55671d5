import { phoneKey } from './ids.js';
import type {
  AgencyUser,
  Appointment,
  Calendar,
  Contact,
  Conversation,
  Location,
  Message,
  PhoneNumber,
  Task,
  User,
} from './model.js';
import type { LocationSeed } from './seed.js';
import type { DeliveryResult } from './types.js';

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** The records of `list` in `locationId`: a contact's records normally all are, but a test may put any. */
function inLocation<T extends { locationId: string }>(list: T[] | undefined, locationId: string): T[] {
  return list === undefined ? [] : list.filter((r) => r.locationId === locationId);
}

/**
 * The sandbox's state. Reads return the live records (tests may inspect them; routes copy before answering).
 * Lists are kept per location, and per contact for what a follow-up step reads, so a request costs the same
 * however many locations and contacts the bench has made.
 */
export class SandboxStore {
  readonly #locations = new Map<string, Location>();
  readonly #users = new Map<string, User[]>();
  readonly #agencyUsers = new Map<string, AgencyUser>();
  readonly #numbers = new Map<string, PhoneNumber[]>();
  readonly #calendars = new Map<string, Calendar[]>();
  readonly #contacts = new Map<string, Contact>();
  readonly #contactsByLocation = new Map<string, Contact[]>();
  readonly #tasks = new Map<string, Task>();
  readonly #tasksByLocation = new Map<string, Task[]>();
  readonly #tasksByContact = new Map<string, Task[]>();
  readonly #messages = new Map<string, Message>();
  readonly #messagesByLocation = new Map<string, Message[]>();
  readonly #messagesByContact = new Map<string, Message[]>();
  readonly #conversations = new Map<string, Conversation>();
  readonly #conversationsByLocation = new Map<string, Conversation[]>();
  readonly #conversationsByContact = new Map<string, Conversation[]>();
  readonly #appointments = new Map<string, Appointment[]>();
  readonly #installed = new Set<string>();
  readonly #refreshes = new Map<string, number>();
  readonly #deliveries: DeliveryResult[] = [];

  addLocation(seed: LocationSeed): void {
    const id = seed.location.id;
    if (this.#locations.has(id)) throw new Error(`location ${id} already exists`);
    this.#locations.set(id, seed.location);
    this.#users.set(id, [...seed.users]);
    this.#numbers.set(id, [...seed.numbers]);
    this.#calendars.set(id, [...seed.calendars]);
    for (const c of seed.contacts) this.putContact(c);
  }

  location(id: string): Location | undefined {
    return this.#locations.get(id);
  }
  locations(companyId?: string): Location[] {
    const all = [...this.#locations.values()];
    return companyId === undefined ? all : all.filter((l) => l.companyId === companyId);
  }
  users(locationId: string): User[] {
    return this.#users.get(locationId) ?? [];
  }
  user(locationId: string, userId: string): User | undefined {
    return this.users(locationId).find((u) => u.id === userId);
  }
  /** Adds a user to a location, or replaces the one with the same id there. */
  putUser(u: User): void {
    const list = this.#users.get(u.locationId) ?? [];
    const at = list.findIndex((x) => x.id === u.id);
    if (at === -1) list.push(u);
    else list[at] = u;
    this.#users.set(u.locationId, list);
  }
  removeUser(locationId: string, userId: string): User | undefined {
    const list = this.users(locationId);
    const at = list.findIndex((u) => u.id === userId);
    return at === -1 ? undefined : list.splice(at, 1)[0];
  }
  agencyUser(userId: string): AgencyUser | undefined {
    return this.#agencyUsers.get(userId);
  }
  agencyUsers(companyId: string): AgencyUser[] {
    return [...this.#agencyUsers.values()].filter((u) => u.companyId === companyId);
  }
  putAgencyUser(u: AgencyUser): void {
    this.#agencyUsers.set(u.id, u);
  }
  numbers(locationId: string): PhoneNumber[] {
    return this.#numbers.get(locationId) ?? [];
  }
  calendars(locationId: string): Calendar[] {
    return this.#calendars.get(locationId) ?? [];
  }

  contact(id: string): Contact | undefined {
    return this.#contacts.get(id);
  }
  contacts(locationId: string): Contact[] {
    return this.#contactsByLocation.get(locationId) ?? [];
  }
  contactByPhone(locationId: string, phone: string): Contact | undefined {
    const key = phoneKey(phone);
    return this.contacts(locationId).find((c) => c.phone !== null && phoneKey(c.phone) === key);
  }
  contactByEmail(locationId: string, email: string): Contact | undefined {
    const key = email.trim().toLowerCase();
    return this.contacts(locationId).find((c) => c.email?.toLowerCase() === key);
  }
  removeContact(id: string): Contact | undefined {
    const c = this.#contacts.get(id);
    if (!c) return undefined;
    this.#contacts.delete(id);
    const list = this.contacts(c.locationId);
    list.splice(list.indexOf(c), 1);
    return c;
  }
  /** Adds a contact, or replaces the record with the same id. */
  putContact(c: Contact): void {
    const old = this.#contacts.get(c.id);
    this.#contacts.set(c.id, c);
    if (!old) push(this.#contactsByLocation, c.locationId, c);
    else {
      const list = this.contacts(c.locationId);
      list[list.indexOf(old)] = c;
    }
  }

  task(id: string): Task | undefined {
    return this.#tasks.get(id);
  }
  tasks(locationId: string, contactId?: string): Task[] {
    if (contactId !== undefined) return inLocation(this.#tasksByContact.get(contactId), locationId);
    return this.#tasksByLocation.get(locationId) ?? [];
  }
  addTask(t: Task): void {
    this.#tasks.set(t.id, t);
    push(this.#tasksByLocation, t.locationId, t);
    push(this.#tasksByContact, t.contactId, t);
  }

  message(id: string): Message | undefined {
    return this.#messages.get(id);
  }
  /** Oldest first. */
  messages(locationId: string, contactId?: string): Message[] {
    if (contactId !== undefined) return inLocation(this.#messagesByContact.get(contactId), locationId);
    return this.#messagesByLocation.get(locationId) ?? [];
  }
  addMessage(m: Message): void {
    this.#messages.set(m.id, m);
    push(this.#messagesByLocation, m.locationId, m);
    push(this.#messagesByContact, m.contactId, m);
  }

  conversation(id: string): Conversation | undefined {
    return this.#conversations.get(id);
  }
  conversations(locationId: string, contactId?: string): Conversation[] {
    if (contactId !== undefined) return inLocation(this.#conversationsByContact.get(contactId), locationId);
    return this.#conversationsByLocation.get(locationId) ?? [];
  }
  addConversation(c: Conversation): void {
    this.#conversations.set(c.id, c);
    push(this.#conversationsByLocation, c.locationId, c);
    push(this.#conversationsByContact, c.contactId, c);
  }

  appointments(locationId: string): Appointment[] {
    return this.#appointments.get(locationId) ?? [];
  }
  addAppointment(a: Appointment): void {
    push(this.#appointments, a.locationId, a);
  }

  isInstalled(locationId: string): boolean {
    return this.#installed.has(locationId);
  }
  setInstalled(locationId: string, installed: boolean): void {
    if (installed) this.#installed.add(locationId);
    else this.#installed.delete(locationId);
  }

  /** How many refresh_token grants succeeded for a location or company id (tests assert "refreshed once"). */
  refreshCount(resourceId: string): number {
    return this.#refreshes.get(resourceId) ?? 0;
  }
  countRefresh(resourceId: string): void {
    this.#refreshes.set(resourceId, this.refreshCount(resourceId) + 1);
  }

  /** Every webhook delivery, oldest first. */
  deliveries(): DeliveryResult[] {
    return this.#deliveries;
  }
  addDelivery(d: DeliveryResult): void {
    this.#deliveries.push(d);
  }
}
