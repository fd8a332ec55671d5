import type { Selectable } from 'kysely';
import type { Deps } from '../deps.js';
import type { GhlApi, GhlMessage } from '../ghl/api.js';
import { classifyCall } from '../core/call-events.js';
import { ingestInboundText, type TextChannel } from './consent.js';
import { type ContactEventKind, type HistoryRow, recordContactEvent } from './history.js';
import { recoverLatestRun } from './runs.js';
import { triageInboundText } from './triage-reply.js';
import type { RunsTable } from './tables.js';

/**
 * Before the first step, ask GHL what happened since the missed call, in case a webhook never came (GHL does not
 * retry most failed deliveries). What it finds is recorded as contact history, as the webhook would have been,
 * and returned for the step to decide on. The caller records that the run was checked (rest_checked_at) with
 * the step's own write.
 */
export async function checkGhlForContact(deps: Deps, ghl: GhlApi, run: Selectable<RunsTable>): Promise<HistoryRow[]> {
  const messages = await ghl.listMessagesSince(run.location_id, run.contact_id, run.started_at);
  const out: HistoryRow[] = [];
  for (const m of messages) {
    const found = kindOf(m);
    if (!found || new Date(m.dateAdded) < run.started_at) continue;
    if (found.channel) {
      // The same check as the webhook's: a STOP found here is an opt-out, not a reply (consent.ts).
      const text = {
        locationId: run.location_id,
        contactId: run.contact_id,
        channel: found.channel,
        body: m.body ?? null,
        messageId: m.id,
        at: new Date(m.dateAdded),
        via: 'rest-check',
      };
      // Then triaged as the webhook's reply is (triage-reply.ts), in the same transaction: its `reply-triaged`
      // event, keyed by the message id, makes whichever path comes second a no-op.
      let triaged: 'wrong-number' | null = null;
      const outcome = await deps.db.transaction().execute(async (trx) => {
        const consent = await ingestInboundText(trx, text, deps.clock.now());
        if (consent === 'reply' || consent === 'maybe')
          triaged = await triageInboundText(trx, text, consent, deps.clock.now());
        return consent;
      });
      // A wrong number ended the run suppressed: the reply is no recovery (as on the webhook's path).
      if (triaged === 'wrong-number') continue;
      if (outcome === 'opt-out' || outcome === 'maybe') {
        const kind = outcome === 'maybe' ? 'maybe-opt-out' : found.channel === 'sms' ? 'opt-out' : 'email-opt-out';
        out.push({ kind, ref: m.id, at: text.at });
        continue;
      }
      if (outcome === 'duplicate') continue;
    }
    out.push({ kind: found.kind, ref: m.id, at: new Date(m.dateAdded) });
    await deps.db.transaction().execute(async (trx) => {
      const fresh = await recordContactEvent(trx, {
        locationId: run.location_id,
        contactId: run.contact_id,
        kind: found.kind,
        at: new Date(m.dateAdded),
        ref: m.id,
        detail: { via: 'rest-check' },
      });
      if (fresh && found.recovery) {
        await recoverLatestRun(trx, run.location_id, run.contact_id, found.recovery, new Date(m.dateAdded));
      }
    });
  }
  return out;
}

function kindOf(m: GhlMessage): { kind: ContactEventKind; recovery: string | null; channel?: TextChannel } | null {
  const call = classifyCall({ ...m, contactId: m.contactId ?? 'x', locationId: 'x', messageType: m.messageType ?? '' });
  if (call) {
    if (call.direction === 'outbound') {
      return call.kind === 'answered'
        ? { kind: 'outbound-answered', recovery: 'connected' }
        : { kind: 'outbound-unanswered', recovery: null };
    }
    return call.kind === 'answered' ? { kind: 'answered-call', recovery: 'connected' } : null;
  }
  const type = String(m.messageType ?? '').toUpperCase();
  if (m.direction === 'inbound' && (type.includes('SMS') || type.includes('EMAIL'))) {
    return { kind: 'reply', recovery: 'replied', channel: type.includes('EMAIL') ? 'email' : 'sms' };
  }
  return null;
}
