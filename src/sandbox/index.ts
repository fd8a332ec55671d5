import { createServer } from 'node:http';
import { apiRouteGroups, buildApp } from './app.js';
import { Deliveries } from './delivery.js';
import { messageEvent } from './events.js';
import { Carrier } from './carrier.js';
import { Faults } from './faults.js';
import { listenFront } from './http-front.js';
import { IdGenerator } from './ids.js';
import { tokenRoute } from './oauth.js';
import type { Message, User } from './model.js';
import { contactDeleteEvent, userEvent } from './crm-events.js';
import { createPhone, type Phone } from './phone.js';
import { RateLimiter } from './rate-limit.js';
import { RouteTable } from './route-table.js';
import { type AddLocationInput, buildSeed, generatedLocation, type LocationSeed, type SeedData } from './seed.js';
import { SandboxStore } from './store.js';
import { type Grant, TokenStore } from './tokens.js';
import type { DeliverOptions, DeliveryResult, Fault, RecordedRequest, SandboxOptions, TokenResponse } from './types.js';
import { type WebhookKeys, WebhookSigner } from './webhook-signer.js';
import { droppedDelivery, type WebhookDropRule, WebhookDrops } from './webhook-drops.js';

export type * from './types.js';
export type { Phone } from './phone.js';
export type { SeedData, LocationSeed, AddLocationInput } from './seed.js';
export type { SandboxStore } from './store.js';
export type { WebhookDropRule } from './webhook-drops.js';
export { encryptSso } from './sso.js';

export interface Sandbox {
  /** REST base and marketplace base alike, e.g. http://127.0.0.1:PORT */
  url: string;
  /** GHL's app id as the SDK derives it: the client id up to the first '-'. */
  appId: string;
  keys: WebhookKeys;
  seed: SeedData;
  requests: RecordedRequest[];
  faults: { add(f: Fault): void; clear(): void };
  /** Numbers the carrier refuses texts to, and the error it reports (OutboundMessage status events). */
  carrier: Carrier;
  phone: Phone;
  store: SandboxStore;
  expireTokens(resourceId?: string): void;
  revokeInstall(locationId: string): void;
  setAppBaseUrl(url: string): void;
  /** A new location (two reps, a manager, two numbers, a calendar) under the company. */
  addLocation(input?: AddLocationInput): LocationSeed;
  /** Tokens without the OAuth dance (marks the location installed), for tests and benchmarks of the client. */
  issueTokens(target: { locationId: string } | { companyId: string }): TokenResponse;
  /**
   * Sends an event now, whatever drop fault is set (a late or repeated delivery in a test): the first attempt;
   * a 429 is redelivered later on the sandbox's clock (the result records each attempt).
   */
  deliver(event: object, opts?: DeliverOptions): Promise<DeliveryResult>;
  /** A contact deleted in GHL (ContactDelete). */
  deleteContact(contactId: string): Promise<DeliveryResult>;
  /** A user added to, or removed from, a location (UserCreate / UserDelete). */
  addUser(user: User): Promise<DeliveryResult>;
  deleteUser(locationId: string, userId: string): Promise<DeliveryResult>;
  /** From now on the events the sandbox emits itself (calls, messages) that match are lost; null: none. */
  dropWebhooks(rule: WebhookDropRule | null): void;
  /** Redelivers the 429'd webhooks due by the sandbox's clock now, and resolves once they were answered. */
  redeliverDue(): Promise<DeliveryResult[]>;
  /** 429'd webhooks GHL still means to redeliver. */
  pendingRedeliveries(): DeliveryResult[];
  close(): Promise<void>;
}

export async function createSandbox(opts: SandboxOptions): Promise<Sandbox> {
  const { clock } = opts;
  const appId = opts.clientId.split('-')[0] ?? opts.clientId;
  let appBaseUrl = opts.appBaseUrl?.replace(/\/+$/, '');
  let url = '';
  const store = new SandboxStore();
  const ids = new IdGenerator();
  const tokens = new TokenStore(clock, opts.accessTokenTtlSeconds ?? 86_399, appId, opts.refreshRevokesAccess);
  const faults = new Faults();
  const carrier = new Carrier();
  const signer = await WebhookSigner.create();
  const closing = new AbortController();
  const requests: RecordedRequest[] = [];
  const seed = buildSeed(clock.now().toISOString());
  for (const l of seed.locations) store.addLocation(l);
  for (const u of seed.agencyUsers) store.putAgencyUser(u);
  const rate = opts.rateLimit ?? { max: 100, intervalMs: 10_000 };
  const limiter = new RateLimiter(clock, rate.max, rate.intervalMs, opts.dailyLimit ?? 200_000);

  const deliveryDeps = {
    clock,
    store,
    signer,
    appBaseUrl: () => appBaseUrl,
    signWith: opts.signWith ?? 'both',
    redeliveryDelayMs: opts.redeliveryDelayMs ?? 600_000,
    redeliveryJitterMs: opts.redeliveryJitterMs ?? 60_000,
    timeoutMs: opts.deliveryTimeoutMs ?? 10_000,
    closing: closing.signal,
  } as const;
  const deliveries = new Deliveries(deliveryDeps);
  const send = (event: object, o?: DeliverOptions) => deliveries.deliver(event, o);
  const drops = new WebhookDrops();
  const emit = async (event: object, o?: DeliverOptions): Promise<DeliveryResult> => {
    if (!drops.shouldDrop(event as Record<string, unknown>)) return send(event, o);
    const lost = droppedDelivery(clock, event, o);
    store.addDelivery(lost);
    return lost;
  };
  const revoke = (resourceId: string) => {
    tokens.revoke(resourceId);
    store.setInstalled(resourceId, false);
  };
  const base = { store, ids, clock };
  const phone = createPhone({
    ...base,
    deliver: emit,
    baseUrl: () => url,
    appId,
    companyName: seed.companyName,
    revoke,
  });
  const appDeps = {
    ...base,
    tokens,
    limiter,
    faults,
    requests,
    appId,
    clientId: opts.clientId,
    clientSecret: opts.clientSecret,
    sharedSecret: opts.sharedSecret,
    appBaseUrl: () => appBaseUrl,
    installedLocationsCount: opts.installedLocationsCount ?? true,
    onApiMessage: (m: Message) => {
      const refused = carrier.report(m);
      if (refused) void emit(refused);
      else if (opts.echoApiMessages) void emit(messageEvent(m));
    },
  };
  const api = apiRouteGroups(appDeps);
  const front = await listenFront(opts.port ?? 0, {
    api: appDeps,
    table: new RouteTable([tokenRoute(appDeps), ...api.flat()]),
    http: createServer(buildApp(appDeps, api)),
  });
  url = `http://127.0.0.1:${front.port}`;
  let ordinal = seed.locations.length;

  function issueTokens(target: { locationId: string } | { companyId: string }): TokenResponse {
    const companyId = 'companyId' in target ? target.companyId : store.location(target.locationId)?.companyId;
    if (companyId === undefined) throw new Error('sandbox: unknown location');
    const locations = 'companyId' in target ? store.locations(companyId).map((l) => l.id) : [target.locationId];
    for (const id of locations) store.setInstalled(id, true);
    const userId = store.users(locations[0] ?? '').find((u) => u.role === 'admin')?.id ?? 'user_installer';
    const grant: Grant =
      'companyId' in target
        ? { kind: 'Company', companyId, userId, scope: '', approvedLocations: locations }
        : { kind: 'Location', companyId, locationId: target.locationId, userId, scope: '', approvedLocations: [] };
    return tokens.issue(grant);
  }

  return {
    url,
    appId,
    keys: signer.keys,
    seed,
    requests,
    faults: { add: (f) => faults.add(f), clear: () => faults.clear() },
    carrier,
    phone,
    store,
    expireTokens: (resourceId) => tokens.expire(resourceId),
    revokeInstall: revoke,
    setAppBaseUrl: (u) => {
      appBaseUrl = u.replace(/\/+$/, '');
    },
    addLocation: (input = {}) => {
      ordinal += 1;
      const location = generatedLocation(ordinal, input);
      store.addLocation(location);
      if (input.installed) store.setInstalled(location.location.id, true);
      return location;
    },
    issueTokens,
    deliver: send,
    dropWebhooks: (rule) => drops.set(rule),
    redeliverDue: () => deliveries.runDue(),
    pendingRedeliveries: () => deliveries.pending(),
    deleteContact: (contactId) => {
      const c = store.removeContact(contactId);
      if (!c) throw new Error(`sandbox: no contact ${contactId}`);
      return emit(contactDeleteEvent(c));
    },
    addUser: (user) => {
      store.putUser(user);
      return emit(userEvent('UserCreate', user));
    },
    deleteUser: (locationId, userId) => {
      const u = store.removeUser(locationId, userId);
      if (!u) throw new Error(`sandbox: no user ${userId} in ${locationId}`);
      return emit(userEvent('UserDelete', u));
    },
    close: async () => {
      closing.abort();
      faults.dispose();
      await front.close();
    },
  };
}
