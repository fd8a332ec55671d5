import { createHash, randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { DeliverOptions, DeliveryResult } from './types.js';

/**
 * A fault GHL really has: webhooks that never arrive (a deploy, a network blip, an answer other than 2xx/429,
 * which GHL never retries; docs/ghl-reconciliation.md). Which events are dropped is decided by a hash of the seed
 * and the event's message id (else its webhook id), so a seed drops the same calls whatever the delivery order.
 */
export interface WebhookDropRule {
  /** Share of the matching events never delivered, 0-1. */
  fraction: number;
  seed: number | string;
  /** Which events the rule applies to; default: inbound missed calls. */
  match?: (event: Record<string, unknown>) => boolean;
}

const ANSWERED = new Set(['completed', 'answered']);

/** An InboundMessage call whose status says nobody answered (the events Ringback follows up). */
export function isMissedCallEvent(event: Record<string, unknown>): boolean {
  if (event.type !== 'InboundMessage' || event.messageType !== 'CALL') return false;
  const meta = event.meta as { call?: { status?: unknown } } | undefined;
  const status = event.callStatus ?? meta?.call?.status ?? event.status;
  return typeof status === 'string' && !ANSWERED.has(status);
}

export class WebhookDrops {
  #rule: WebhookDropRule | null = null;

  set(rule: WebhookDropRule | null): void {
    if (rule && !(rule.fraction >= 0 && rule.fraction <= 1)) throw new Error('sandbox: drop fraction must be 0-1');
    this.#rule = rule;
  }

  shouldDrop(event: Record<string, unknown>): boolean {
    const rule = this.#rule;
    if (!rule || !(rule.match ?? isMissedCallEvent)(event)) return false;
    const key = String(event.messageId ?? event.webhookId ?? '');
    const digest = createHash('sha256').update(`${rule.seed}:${key}`).digest();
    return digest.readUInt32BE(0) / 0x1_0000_0000 < rule.fraction;
  }
}

/** The record of an event the drop fault swallowed: complete as a delivery would be, so a test can send it late. */
export function droppedDelivery(clock: Clock, event: object, opts: DeliverOptions = {}): DeliveryResult {
  const full: Record<string, unknown> = { ...event };
  full.timestamp ??= clock.now().toISOString();
  full.webhookId = opts.webhookId ?? full.webhookId ?? randomUUID();
  const raw = JSON.stringify(full);
  return {
    webhookId: String(full.webhookId),
    url: '',
    event: full,
    rawBody: raw,
    headers: {},
    attempts: [],
    status: 0,
    ok: false,
    nextAttemptAt: null,
    dropped: true,
  };
}
