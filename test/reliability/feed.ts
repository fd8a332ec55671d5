import type { DeliveryResult, Sandbox } from '../../src/sandbox/index.js';
import { addLead, sleep } from './fleet.js';

export interface FedCall {
  locationId: string;
  contactId: string;
  /** GHL's message id of the call: what missed_calls.message_id holds. */
  messageId: string;
  delivery: DeliveryResult;
  /** Answered 2xx by Ringback at least once. */
  accepted: boolean;
  deliveries: number;
}

export interface FeedFigures {
  calls: number;
  acceptedFirstTime: number;
  /** Calls whose first delivery was not answered 2xx (process down or killed mid-request). */
  callsRedelivered: number;
  redeliveries: number;
  statuses: Record<string, number>;
}

/**
 * Places missed calls through the sandbox's phone and keeps every delivery. A delivery that was not answered 2xx
 * (Ringback down, killed mid-request, busy) is delivered again later with the same webhookId, as GHL does for
 * a 429 and as a load balancer in front of several instances would for a refused connection. Deliveries go to
 * the given app URLs in turn.
 */
export class Feeder {
  readonly calls: FedCall[] = [];
  readonly statuses: Record<string, number> = {};
  #next = 0;
  #redeliveries = 0;

  constructor(
    private readonly sandbox: Sandbox,
    private readonly targets: () => string[],
  ) {}

  /** The next target becomes the sandbox's app URL; deliver() reads it synchronously before its first await. */
  #aim(): void {
    const urls = this.targets();
    this.sandbox.setAppBaseUrl(urls[this.#next++ % urls.length]!);
  }

  #count(d: DeliveryResult): void {
    for (const a of d.attempts) this.statuses[String(a.status)] = (this.statuses[String(a.status)] ?? 0) + 1;
  }

  /** One missed call from a new lead (created first, with an email address). */
  async place(locationId: string, from: string, to: string): Promise<FedCall> {
    addLead(this.sandbox, locationId, from);
    this.#aim();
    const r = await this.sandbox.phone.placeCall({ locationId, from, to, outcome: 'voicemail' });
    this.#count(r.delivery);
    const call: FedCall = {
      locationId,
      contactId: r.contactId,
      messageId: r.messageId,
      delivery: r.delivery,
      accepted: r.delivery.ok,
      deliveries: 1,
    };
    this.calls.push(call);
    return call;
  }

  /**
   * Feeds `total` calls, one every `paceMs`, at most `inFlight` at once; `callOf(i)` says which location and
   * numbers. Resolves when every call was placed (not necessarily accepted).
   */
  async feed(
    total: number,
    paceMs: number,
    callOf: (i: number) => { locationId: string; from: string; to: string },
    inFlight = 8,
  ): Promise<void> {
    const pending = new Set<Promise<unknown>>();
    for (let i = 0; i < total; i++) {
      while (pending.size >= inFlight) await Promise.race(pending);
      const c = callOf(i);
      const p = this.place(c.locationId, c.from, c.to).finally(() => pending.delete(p));
      pending.add(p);
      await sleep(paceMs);
    }
    await Promise.all(pending);
  }

  /** One pass over the calls not yet accepted: each is delivered again (same bytes, same webhookId). */
  async redeliverOnce(): Promise<number> {
    const left = this.calls.filter((c) => !c.accepted);
    for (const c of left) {
      this.#aim();
      const d = await this.sandbox.deliver(c.delivery.event, { webhookId: c.delivery.webhookId });
      this.#count(d);
      this.#redeliveries += 1;
      c.deliveries += 1;
      c.accepted = d.ok;
    }
    return left.length;
  }

  async redeliverUntilAccepted(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.redeliverOnce()) > 0) {
      if (Date.now() > deadline)
        throw new Error(`${this.calls.filter((c) => !c.accepted).length} calls never accepted`);
      await sleep(250);
    }
  }

  figures(): FeedFigures {
    return {
      calls: this.calls.length,
      acceptedFirstTime: this.calls.filter((c) => c.deliveries === 1 && c.accepted).length,
      callsRedelivered: this.calls.filter((c) => c.deliveries > 1).length,
      redeliveries: this.#redeliveries,
      statuses: this.statuses,
    };
  }
}
