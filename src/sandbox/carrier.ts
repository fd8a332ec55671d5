import { messageEvent } from './events.js';
import { phoneKey } from './ids.js';
import type { Message } from './model.js';

/**
 * The carrier behind GHL's LC Phone: numbers it refuses, with the Twilio error code it reports. A refused text
 * ends `failed` (21610, refused at send) or `undelivered` (30xxx, refused downstream) and GHL reports it as an
 * `OutboundMessage` status event. GHL documents the statuses (apps/conversations.json) but no error field on
 * that event; the sandbox uses the `error: { code, type, message }` of GHL's provider status DTO
 * (UpdateMessageStatusDto), the shape the app reads first (docs/compliance-signals.md).
 */
export class Carrier {
  readonly #refused = new Map<string, string>();

  /** Texts to `phone` fail with `code` (e.g. '30006' landline, '21610' unsubscribed, '30034' unregistered 10DLC). */
  refuse(phone: string, code: string): void {
    this.#refused.set(phoneKey(phone), code);
  }

  clear(): void {
    this.#refused.clear();
  }

  /** The status event of an API-sent text the carrier refuses, with the message updated; null when delivered. */
  report(m: Message): Record<string, unknown> | null {
    if (m.messageType !== 'TYPE_SMS' || m.direction !== 'outbound' || !m.to) return null;
    const code = this.#refused.get(phoneKey(m.to));
    if (!code) return null;
    m.status = code === '21610' ? 'failed' : 'undelivered';
    return { ...messageEvent(m), error: { code, type: 'carrier', message: `Carrier error ${code}` } };
  }
}
