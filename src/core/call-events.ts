/**
 * Call outcomes from GHL `InboundMessage` / `OutboundMessage` webhooks (docs/ghl-webhooks.md, call events).
 *
 * GHL documents the flat fields (`status`, `callStatus`, `callDuration`) but payloads also carry them nested
 * (`meta.call.status`, `meta.call.duration`), and the REST API spells message types `TYPE_CALL`. Every form is
 * read here, by hand rather than with a strict schema, so that one unexpected field never loses a missed call.
 */
import { normalizePhone } from './area-codes.js';

export interface CallEvent {
  kind: 'missed' | 'answered';
  direction: 'inbound' | 'outbound';
  /** Lower-case, hyphenated: `voicemail`, `no-answer`, `completed`, ... */
  status: string;
  /** Seconds, or null when the event does not say. */
  durationSec: number | null;
  from?: string;
  to?: string;
  /** The event's own time (`dateAdded`, else `timestamp`) as ISO 8601. */
  at?: string;
  messageId?: string;
  /** GHL's conversation of the call, for the call log's link into GHL's inbox. */
  conversationId?: string;
  contactId: string;
  locationId: string;
  /** Recording or voicemail links. */
  attachments: string[];
}

// docs/design.md §1.1: any of these, or `completed` with duration 0, is a call nobody picked up.
const UNANSWERED = new Set(['voicemail', 'no-answer', 'busy', 'canceled', 'failed']);
const CONNECTED = new Set(['completed', 'answered']);
// Progress reports, not outcomes: acting on them would follow up a call that may still be answered.
const IN_PROGRESS = new Set(['pending', 'initiated', 'queued', 'ringing', 'in-progress']);
const CALL_TYPES = new Set(['call', 'ivr_call']);

/** The call outcome of a message webhook, or null when the event is not a finished call with a contact. */
export function classifyCall(event: unknown): CallEvent | null {
  if (!isRecord(event)) return null;
  const messageType = text(event.messageType)
    ?.toLowerCase()
    .replace(/^type_/, '');
  if (messageType === undefined || !CALL_TYPES.has(messageType)) return null;
  const direction = directionOf(event);
  const contactId = text(event.contactId);
  const locationId = text(event.locationId);
  if (!direction || !contactId || !locationId) return null;

  const { call, meta, statuses } = callFields(event);
  const status = statuses[0];
  if (status === undefined || IN_PROGRESS.has(status)) return null;
  const durationSec = numberOf(event.callDuration) ?? numberOf(call.duration) ?? numberOf(meta.callDuration) ?? null;

  const result: CallEvent = {
    kind: isAnswered(direction, statuses, durationSec) ? 'answered' : 'missed',
    direction,
    status,
    durationSec,
    contactId,
    locationId,
    attachments: Array.isArray(event.attachments) ? event.attachments.filter(isNonEmptyString) : [],
  };
  const from = phoneOf(event.from ?? call.from);
  const to = phoneOf(event.to ?? call.to);
  const at = ownTime(event);
  const messageId = text(event.messageId);
  if (from) result.from = from;
  if (to) result.to = to;
  if (at) result.at = at.toISOString();
  if (messageId) result.messageId = messageId;
  const conversationId = text(event.conversationId);
  if (conversationId) result.conversationId = conversationId;
  return result;
}

/** A call message still ringing or connected: its outcome is not known yet (the sweep waits for it). */
export function isCallInProgress(event: unknown): boolean {
  if (!isRecord(event)) return false;
  const messageType = text(event.messageType)
    ?.toLowerCase()
    .replace(/^type_/, '');
  if (messageType === undefined || !CALL_TYPES.has(messageType)) return false;
  const status = callFields(event).statuses[0];
  return status !== undefined && IN_PROGRESS.has(status);
}

/**
 * The call's statuses, most precise first. `callStatus` beats `status`: an outbound call that reached voicemail
 * says `status: completed`. The REST messages document `meta.callStatus`/`meta.callDuration`
 * (docs/ghl-reconciliation.md); webhooks carry them flat or under `meta.call`.
 */
function callFields(event: Record<string, unknown>) {
  const meta = isRecord(event.meta) ? event.meta : {};
  const call = isRecord(meta.call) ? meta.call : {};
  const statuses = [event.callStatus, call.status, meta.callStatus, event.status]
    .map(statusOf)
    .filter((s) => s !== undefined);
  return { meta, call, statuses };
}

function isAnswered(direction: 'inbound' | 'outbound', statuses: string[], durationSec: number | null): boolean {
  // docs/ghl-webhooks.md (call events): any final state but completed is missed, an unknown one included.
  if (statuses.some((status) => UNANSWERED.has(status)) || !CONNECTED.has(statuses[0] ?? '')) return false;
  // An inbound `completed` without a duration is GHL's documented answered call; an outbound call reached the
  // contact only when someone actually talked.
  if (direction === 'inbound') return durationSec !== 0;
  return durationSec !== null && durationSec > 0;
}

/** When the call happened: `dateAdded`, else `timestamp` (ISO 8601 or epoch milliseconds), else `receivedAt`. */
export function eventTime(event: unknown, receivedAt: Date): Date {
  return (isRecord(event) ? ownTime(event) : null) ?? receivedAt;
}

function ownTime(event: Record<string, unknown>): Date | null {
  return dateOf(event.dateAdded) ?? dateOf(event.timestamp);
}

function dateOf(value: unknown): Date | null {
  let ms: number;
  if (typeof value === 'number') ms = value;
  else if (typeof value === 'string' && /^\d+$/.test(value.trim())) ms = Number(value.trim());
  else if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}/.test(value.trim())) ms = Date.parse(value.trim());
  else return null;
  return Number.isFinite(ms) && ms > 0 ? new Date(ms) : null;
}

function directionOf(event: Record<string, unknown>): 'inbound' | 'outbound' | null {
  const direction = text(event.direction)?.toLowerCase();
  if (direction === 'inbound' || direction === 'outbound') return direction;
  if (event.type === 'InboundMessage') return 'inbound';
  if (event.type === 'OutboundMessage') return 'outbound';
  return null;
}

function statusOf(value: unknown): string | undefined {
  const status = text(value)
    ?.toLowerCase()
    .replace(/[\s_]+/g, '-');
  if (status === 'cancelled') return 'canceled';
  if (status === 'noanswer') return 'no-answer';
  return status;
}

function numberOf(value: unknown): number | undefined {
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof n === 'number' && Number.isFinite(n) && n >= 0 ? n : undefined;
}

function phoneOf(value: unknown): string | undefined {
  const raw = text(value);
  return raw === undefined ? undefined : (normalizePhone(raw) ?? raw);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
