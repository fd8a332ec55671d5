import { z } from 'zod';
import type { GhlDeps } from '../ghl/deps.js';
import type { GhlApi, GhlMessage } from '../ghl/api.js';
import { defineJob } from '../jobs/registry.js';
import { MessageEvent } from '../webhooks/events.js';
import { ingestEvent } from './ingest.js';
import { armOpportunityChecks } from './opportunity-check.js';
import { classifyCall, isCallInProgress } from '../core/call-events.js';
import { ghlJobError } from '../ghl/job-errors.js';
import { loadWatermark, SWEEP_JOB, saveWatermark } from './sweep-schedule.js';

const MIN = 60_000;
/**
 * Each sweep starts this far before the last one ended: the export reads a search index (its cursor is a
 * point-in-time id, docs/ghl-reconciliation.md), which may show a message a little after it was written.
 */
export const SWEEP_OVERLAP_MS = 2 * MIN;
/** A call this recent is left to its webhook, which is probably on its way; the next sweep covers it. */
export const SWEEP_GRACE_MS = MIN;
/** After a long outage, calls older than this are not followed up: "sorry we missed your call" a day late. */
export const SWEEP_MAX_LOOKBACK_MS = 24 * 60 * MIN;
/** The export's largest page (docs/ghl-reconciliation.md); pages per sweep are capped, the next one goes on. */
const PAGE_SIZE = 500;
const MAX_PAGES = 10;

export interface SweepResult {
  requests: number;
  /** Missed calls Ringback had not seen, now processed. */
  found: number;
  sweptUntil: Date | null;
}

/**
 * One location's inbound missed calls since its last sweep, read through GHL's API (docs/ghl-reconciliation.md),
 * each one Ringback never saw processed exactly as its webhook would have been: the same dispatch in one
 * transaction, the same guards, the same unique key on GHL's message id. The watermark moves only after the
 * whole window was read, and never past a call still in progress.
 */
export async function sweepLocation(deps: GhlDeps, ghl: GhlApi, locationId: string): Promise<SweepResult> {
  const now = deps.clock.now();
  const mark = await loadWatermark(deps.db, locationId);
  if (!mark) return { requests: 0, found: 0, sweptUntil: null };
  const since = mark.sweptUntil
    ? Math.max(mark.sweptUntil.getTime() - SWEEP_OVERLAP_MS, mark.installedAt.getTime())
    : mark.installedAt.getTime();
  const start = new Date(Math.max(since, now.getTime() - SWEEP_MAX_LOOKBACK_MS));
  const end = new Date(now.getTime() - SWEEP_GRACE_MS);
  if (end <= start) return { requests: 0, found: 0, sweptUntil: mark.sweptUntil };

  let requests = 0;
  let found = 0;
  let until = end.getTime();
  let lastRead = start.getTime();
  let complete = false;
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES && !complete; page++) {
    const answer = await ghl.exportMessages(locationId, {
      channel: 'Call',
      startDate: start,
      endDate: end,
      cursor,
      limit: PAGE_SIZE,
      background: true,
    });
    requests += 1;
    for (const m of answer.messages) {
      const at = Date.parse(m.dateAdded);
      lastRead = Math.max(lastRead, at);
      if (isCallInProgress(m)) until = Math.min(until, at);
    }
    found += await processPage(deps, locationId, answer.messages);
    complete = !answer.nextCursor || answer.messages.length === 0;
    cursor = answer.nextCursor ?? undefined;
  }
  // Pages come oldest first: when the page cap stopped the sweep, the next one picks up from the last call read.
  if (!complete) until = Math.min(until, lastRead);
  const sweptUntil = new Date(Math.max(until, start.getTime()));
  await saveWatermark(deps.db, locationId, sweptUntil, { found, requests }, now);
  deps.metrics?.inc('ringback_sweep_requests_total', 'GHL requests made by the lost-webhook sweep', {}, requests);
  if (found > 0) {
    deps.metrics?.inc(
      'ringback_sweep_found_total',
      'Missed calls found by the sweep whose webhook never came',
      {},
      found,
    );
    deps.logger.warn({ locationId, found }, 'sweep found missed calls whose webhook never came');
  }
  return { requests, found, sweptUntil };
}

/** Inbound missed calls on the page that no webhook (or earlier sweep) recorded; returns how many it processed. */
async function processPage(deps: GhlDeps, locationId: string, messages: GhlMessage[]): Promise<number> {
  // Read as the webhook would have been: one that its schema would have refused at intake is not taken either.
  const missed = messages.flatMap((m) => {
    const parsed = MessageEvent.safeParse(webhookBody(m, locationId));
    if (!parsed.success || parsed.data.locationId !== locationId) return [];
    const call = classifyCall(parsed.data);
    return call?.direction === 'inbound' && call.kind === 'missed' ? [{ id: m.id, event: parsed.data }] : [];
  });
  if (missed.length === 0) return 0;
  // By the call rows, which stay: a call's contact event goes after the retention period (src/retention/).
  const known = await deps.db
    .selectFrom('missed_calls')
    .select('message_id')
    .where('location_id', '=', locationId)
    .where(
      'message_id',
      'in',
      missed.map((m) => m.id),
    )
    .execute();
  const seen = new Set(known.map((k) => k.message_id));
  let found = 0;
  for (const { id, event } of missed) {
    if (seen.has(id)) continue;
    await deps.db.transaction().execute((trx) =>
      ingestEvent(trx, deps, {
        webhookId: `sweep:${id}`,
        event,
        receivedAt: deps.clock.now(),
        foundBy: 'sweep',
      }),
    );
    found += 1;
  }
  return found;
}

/** The exported message in the shape of the InboundMessage webhook GHL did not deliver. */
function webhookBody(m: GhlMessage, locationId: string): Record<string, unknown> {
  const own = (m as { locationId?: unknown }).locationId;
  return { ...m, type: 'InboundMessage', locationId: own ?? locationId, messageId: m.id };
}

export function sweepJob(deps: GhlDeps, ghl: GhlApi) {
  return defineJob({
    kind: SWEEP_JOB,
    schema: z.object({ locationId: z.string().min(1) }),
    maxAttempts: 3,
    async handle({ locationId }) {
      try {
        await sweepLocation(deps, ghl, locationId);
      } catch (err) {
        throw ghlJobError(err);
      }
      // Lost opportunity webhooks too: recovered leads with no known deal get a check of their own (a job each).
      await armOpportunityChecks(deps.db, locationId, deps.clock.now());
    },
  });
}
