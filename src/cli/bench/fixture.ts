/**
 * GHL's side of the bench: the sandbox with many locations installed through the real OAuth flow (an agency
 * bulk install), each with settings, and the contacts (with their missed call in a conversation) that the
 * planned webhooks name, so every API call the service makes finds what GHL would have.
 */
import { systemClock } from '../../clock.js';
import { createSandbox, type LocationSeed, type Sandbox } from '../../sandbox/index.js';
import { contactRecord } from '../../sandbox/seed.js';
import { defaultSettings } from '../../core/settings/schema.js';
import { type EventPlan, planEvent } from './protocol.js';

export const CLIENT_ID = 'ringback-bench-app';
export const CLIENT_SECRET = 'bench-client-secret';
export const SHARED_SECRET = 'bench-shared-secret';

export interface Fixture {
  sandbox: Sandbox;
  seeds: LocationSeed[];
  locations: string[];
  lines: string[];
}

/** echo: the sandbox posts each message sent through the API back as an OutboundMessage webhook, as GHL does. */
export async function createFixture(locationCount: number, echo = false): Promise<Fixture> {
  const sandbox = await createSandbox({
    clock: systemClock,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    sharedSecret: SHARED_SECRET,
    // The sandbox's own limit is raised out of the way; Ringback's client keeps GHL's 100 per 10 s per location.
    rateLimit: { max: 1_000_000, intervalMs: 10_000 },
    dailyLimit: 1_000_000_000,
    echoApiMessages: echo,
  });
  const seeds = Array.from({ length: locationCount }, () => sandbox.addLocation({ timezone: 'America/New_York' }));
  return {
    sandbox,
    seeds,
    locations: seeds.map((s) => s.location.id),
    lines: seeds.map((s) => s.numbers[0]?.phoneNumber ?? ''),
  };
}

/** The browser's journey: /oauth/install, GHL's chooselocation picking every location as an agency, callback. */
export async function installAll(f: Fixture, serviceUrl: string): Promise<void> {
  f.sandbox.setAppBaseUrl(serviceUrl);
  const start = await fetch(`${serviceUrl}/oauth/install`, { redirect: 'manual' });
  const authorize = new URL(start.headers.get('location') ?? '');
  authorize.searchParams.set('locationId', f.locations.join(','));
  authorize.searchParams.set('userType', 'Company');
  const chosen = await fetch(authorize, { redirect: 'manual' });
  const callback = chosen.headers.get('location');
  if (chosen.status !== 302 || !callback) throw new Error(`chooselocation answered ${chosen.status}`);
  const res = await fetch(callback, { redirect: 'manual' });
  if (res.status >= 400)
    throw new Error(`install callback answered ${res.status}: ${(await res.text()).slice(0, 300)}`);
}

/**
 * Each location's settings document: the default sequence, round-robin over its two reps, its manager for
 * escalations, and a zone where it is daytime, so the run does not depend on the hour the bench runs at.
 */
export function settingsRows(f: Fixture): Array<{ id: string; s: unknown }> {
  return f.seeds.map((seed) => {
    const id = seed.location.id;
    const base = defaultSettings({ bookingLink: `https://book.example.com/${id}` });
    return {
      id,
      s: {
        ...base,
        routing: { userIds: [`${id}_rep_1`, `${id}_rep_2`], rules: [] },
        escalation: { ...base.escalation, managerUserId: `${id}_mgr` },
        // The law's hours apply to every text (08:00-21:00 at least): the callers have Toronto numbers (no US
        // zone), so the `timezone` setting places them, in a zone where it is early afternoon now.
        timezone: daytimeZone(new Date()),
      },
    };
  });
}

/**
 * A fixed-offset zone (`Etc/GMT-2` is UTC+2) whose clock reads about 14:00 at `now`: a real-time run that
 * lasts minutes to hours stays inside the federal 08:00-21:00 window whatever hour it starts at.
 */
export function daytimeZone(now: Date): string {
  let offset = 14 - now.getUTCHours();
  if (offset > 14) offset -= 24;
  if (offset < -12) offset += 24;
  if (offset === 0) return 'Etc/GMT';
  return offset > 0 ? `Etc/GMT-${offset}` : `Etc/GMT+${-offset}`;
}

export const UPSERT_SETTINGS = `
  insert into location_settings (location_id, settings, version, updated_at)
  select x.id, x.s, 1, now() from jsonb_to_recordset($1::jsonb) as x(id text, s jsonb)
  on conflict (location_id) do update set settings = excluded.settings, updated_at = excluded.updated_at`;

/** The plan's callers as GHL contacts, each with the missed call in its conversation (the REST check reads it). */
export function addCallers(sandbox: Sandbox, plan: EventPlan, count: number): void {
  const store = sandbox.store;
  for (let i = 0; i < count; i++) {
    const c = planEvent(plan, i);
    const at = c.dateAdded ?? new Date().toISOString();
    const n = (plan.first ?? 0) + i;
    store.putContact(
      contactRecord(c.locationId, at, { id: c.contactId, firstName: 'Caller', lastName: String(n), phone: c.from }),
    );
    const ms = Date.parse(at);
    store.addConversation({
      id: c.conversationId,
      locationId: c.locationId,
      contactId: c.contactId,
      type: 'TYPE_PHONE',
      fullName: `Caller ${n}`,
      contactName: `Caller ${n}`,
      email: null,
      phone: c.from,
      lastMessageBody: '',
      lastMessageType: 'TYPE_CALL',
      lastMessageDirection: 'inbound',
      lastMessageDate: ms,
      unreadCount: 1,
      dateAdded: ms,
      dateUpdated: ms,
    });
    store.addMessage({
      id: c.messageId,
      type: 1,
      messageType: 'TYPE_CALL',
      locationId: c.locationId,
      contactId: c.contactId,
      conversationId: c.conversationId,
      dateAdded: at,
      direction: 'inbound',
      status: 'no-answer',
      body: '',
      contentType: 'text/plain',
      attachments: [],
      meta: { call: { status: 'no-answer', duration: 0 } },
      from: c.from,
      to: c.to,
    });
  }
}
