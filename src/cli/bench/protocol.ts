/** What the bench's processes say to each other: the orchestrator, the service, the load generator. */
import type { Summary } from './stats.js';

/**
 * Which missed calls a run sends: event i is a call from contact `${contactPrefix}${first + i}` to the
 * tracking line of location `i % locations.length`. The orchestrator uses the same plan to create the contacts
 * in the sandbox, so the calls the service makes for them find what GHL would have.
 */
export interface EventPlan {
  locations: string[];
  /** Tracking number dialled, per location (same order). */
  lines: string[];
  contactPrefix: string;
  first?: number;
  /** Call time of event i: dateAddedMs + i * dateStepMs; without it, the time the event is signed. */
  dateAddedMs?: number;
  dateStepMs?: number;
  /**
   * Not missed calls but the rest of what GHL sends for an installed sub-account (trafficEvent): texts and emails
   * in and out, the contacts without a run.
   */
  traffic?: boolean;
}

export interface PlannedCall {
  locationId: string;
  contactId: string;
  messageId: string;
  conversationId: string;
  from: string;
  to: string;
  dateAdded: string | null;
}

export function planEvent(plan: EventPlan, i: number): PlannedCall {
  const n = (plan.first ?? 0) + i;
  const l = n % plan.locations.length;
  const contactId = `${plan.contactPrefix}${n}`;
  return {
    locationId: plan.locations[l] ?? '',
    contactId,
    messageId: `msg_${contactId}`,
    conversationId: `conv_${contactId}`,
    // 416: Toronto, no US zone or state, so the location's `timezone` setting places the caller (fixture.ts).
    from: `+1416${String(5_000_000 + (n % 5_000_000)).padStart(7, '0')}`,
    to: plan.lines[l] ?? '',
    dateAdded:
      plan.dateAddedMs === undefined ? null : new Date(plan.dateAddedMs + i * (plan.dateStepMs ?? 0)).toISOString(),
  };
}

/** The body of GHL's InboundMessage webhook for a missed call, as the sandbox's `messageEvent` shapes it. */
export function missedCallEvent(c: PlannedCall, now: Date): Record<string, unknown> {
  return {
    type: 'InboundMessage',
    locationId: c.locationId,
    attachments: [],
    body: '',
    contactId: c.contactId,
    contentType: 'text/plain',
    conversationId: c.conversationId,
    dateAdded: c.dateAdded ?? now.toISOString(),
    direction: 'inbound',
    messageType: 'CALL',
    messageId: c.messageId,
    status: 'no-answer',
    callDuration: 0,
    callStatus: 'no-answer',
    from: c.from,
    to: c.to,
  };
}

/**
 * Event i of a traffic plan: an inbound text, a text a rep sent from GHL, an inbound email, an email a GHL
 * workflow sent, in turn (the shapes of the sandbox's `messageEvent`, docs/ghl-webhooks.md).
 */
export function trafficEvent(c: PlannedCall, i: number, now: Date): Record<string, unknown> {
  const common = {
    locationId: c.locationId,
    contactId: c.contactId,
    conversationId: c.conversationId,
    dateAdded: c.dateAdded ?? now.toISOString(),
    conversationProviderId: 'sandbox_default_provider',
  };
  switch (i % 4) {
    case 0:
      return {
        ...common,
        type: 'InboundMessage',
        attachments: [],
        body: 'Ok thanks, Tuesday at 10 works for me',
        contentType: 'text/plain',
        direction: 'inbound',
        messageType: 'SMS',
        messageId: c.messageId,
        userId: null,
        status: 'delivered',
        from: c.from,
        to: c.to,
      };
    case 1:
      return {
        ...common,
        type: 'OutboundMessage',
        attachments: [],
        body: 'Hi, this is Dana from the office: your quote is attached',
        contentType: 'text/plain',
        direction: 'outbound',
        messageType: 'SMS',
        messageId: c.messageId,
        userId: `${c.locationId}_rep_1`,
        source: 'app',
        status: 'delivered',
        from: c.to,
        to: c.from,
      };
    case 2:
      return {
        ...common,
        type: 'InboundMessage',
        body: '<p>Thanks for the quote, can you do Friday instead?</p>',
        direction: 'inbound',
        messageType: 'Email',
        emailMessageId: c.messageId,
        threadId: c.messageId,
        subject: 'Re: your quote',
        from: 'Caller <caller@example.com>',
        to: ['office@example.com'],
      };
    default:
      return {
        ...common,
        type: 'OutboundMessage',
        body: '<p>Our spring newsletter</p>',
        direction: 'outbound',
        messageType: 'Email',
        emailMessageId: c.messageId,
        threadId: c.messageId,
        subject: 'Spring newsletter',
        source: 'workflow',
        from: 'Office <office@example.com>',
        to: ['caller@example.com'],
      };
  }
}

export interface LoadResult {
  /** Every request made, warm-up included (what the CPU measured around the run was spent on). */
  issued: number;
  sent: number;
  ok: number;
  failed: number;
  statuses: Record<string, number>;
  elapsedMs: number;
  /**
   * Wall-clock time (epoch ms) the first request went out, warm-up included: after the requests were signed,
   * which takes the load process up to seconds and is no part of what the service absorbed.
   */
  firstRequestAt: number;
  /** CPU ms the load process spent signing requests before the first went out: not load on the service. */
  signingCpuMs: number;
  /** 2xx answers per second over the measured window. */
  rate: number;
  latency: Summary;
  /** The load process's own event-loop delay over the run: its stalls show up as latency too. */
  loopDelayMs: { p99: number; max: number };
}

export interface ClosedArg {
  url: string;
  connections: number;
  warmupMs: number;
  durationMs: number;
  plan: EventPlan;
}

export interface OpenArg {
  url: string;
  rate: number;
  /** Sent at the same rate before the measured window and not recorded: the sender's connections open here. */
  warmupMs: number;
  durationMs: number;
  plan: EventPlan;
}

export type LoadApi = {
  closed: { arg: ClosedArg; result: LoadResult };
  open: { arg: OpenArg; result: LoadResult };
};

export interface CeilingResult {
  commits: number;
  elapsedMs: number;
  rate: number;
  concurrency: number;
}

export interface ClaimResult {
  claimMs: Summary;
  claimed: number;
  plan: string;
}

export type ServiceApi = {
  sql: { arg: { text: string; values?: unknown[] }; result: Record<string, unknown>[] };
  worker: { arg: { run: boolean }; result: null };
  insertCeiling: { arg: { durationMs: number; concurrency: number }; result: CeilingResult };
  claimBench: { arg: { rounds: number; limit: number }; result: ClaimResult };
  dbSize: { arg: null; result: { bytes: number; method: string; tables: Record<string, number> } };
  /** Runs retention as it would run `aheadMs` from now (src/retention/retention.ts). */
  retention: { arg: { aheadMs: number }; result: null };
  /** Statements the service's pool has sent since it started. */
  roundTrips: { arg: null; result: number };
  /** The service's event-loop delay since the last call (which resets it): how long requests waited for it. */
  loopDelay: { arg: null; result: { p99: number; max: number } };
};
