import { classifyCall, eventTime } from '../core/call-events.js';
import { classifyReply } from '../core/opt-out.js';
import type { QuietRecord } from '../webhooks/inbox.js';
import { deliveryFailureOf } from './carrier-errors.js';
import { replyText } from './consent.js';

/**
 * Which webhooks may be stored already processed, with no job (docs/quiet-webhooks.md has the rule and why).
 *
 * Most of what GHL sends is the texts and emails of every contact of every installed sub-account. For a contact
 * that never had a run, processing one (ingest.ts, ingestMessage) writes one contact event and nothing else:
 * a text that is no opt-out records a `reply`; an outbound message that is not Ringback's own send records
 * `other-automation` or `manual-message`. Everything else it does needs a run (triage, recovery, the 72-hour
 * lost -> recovered flip, first human contact) or a step (delivery statuses, own-send matching).
 *
 * This decides, in Node before the inbox write, whether a webhook is such a message and which event it would
 * record; the inbox statement (webhooks/inbox.ts) then stores it processed with that event, in the same
 * statement, unless the contact has any run or the message is a step's. When in doubt it answers null, and
 * the webhook is processed as every other one.
 */
export function quietWebhook(type: string, body: Record<string, unknown>, receivedAt: Date): QuietRecord | null {
  if (type !== 'InboundMessage' && type !== 'OutboundMessage') return null;
  // Calls of any kind start, join or end runs (missed calls, callbacks, answered calls).
  if (classifyCall(body)) return null;
  const contactId = str(body.contactId);
  if (!contactId || !str(body.locationId)) return null;
  // As ingest.ts keys it: the message id, else the event's id (readWebhook reads an empty text as none).
  const ref = str(body.messageId) ?? str(body.id);
  const at = eventTime(body, receivedAt);
  // A time JavaScript cannot even print (a `dateAdded` of 1e20) is its job's problem, not the request's.
  if (Number.isNaN(at.getTime())) return null;
  const inbound = type === 'InboundMessage' || str(body.direction) === 'inbound';
  if (inbound) {
    const channel = /email/i.test(str(body.messageType) ?? '') ? 'email' : 'sms';
    // The classifier runs in the request here: a long text (a signed 1 MB body took 1.5 s) goes to its job.
    const raw = str(body.body);
    if (raw && raw.length > MAX_RAW_CHARS) return null;
    const words = replyText(channel, raw);
    if (words.length > MAX_WORDS_CHARS) return null;
    // A possible opt-out is always processed: it is recorded for the contact, so later runs honour it (consent.ts).
    if (classifyReply(words).kind !== 'none') return null;
    return { contactId, kind: 'reply', at, ref };
  }
  // A failed delivery may be a report on Ringback's own send (delivery-status.ts): always processed.
  if (deliveryFailureOf(body)) return null;
  const source = str(body.source);
  return { contactId, kind: source && AUTOMATED_SOURCES.has(source) ? 'other-automation' : 'manual-message', at, ref };
}

/**
 * Longer texts are processed by their job. An SMS is at most 1,600 characters; the classifier takes about
 * 0.5 ms for 2,000 and grows faster than the text; an email's own words, quotes and tags stripped, rarely
 * reach that, while its HTML may.
 */
const MAX_WORDS_CHARS = 2_000;
const MAX_RAW_CHARS = 64 * 1024;

/** Messages our own automation (or GHL's) sent: not a human reaching out. */
export const AUTOMATED_SOURCES: ReadonlySet<string> = new Set(['api', 'workflow', 'campaign', 'bulk_actions']);

function str(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}
