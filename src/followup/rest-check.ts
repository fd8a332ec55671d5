import type { Selectable } from 'kysely';
import type { AppDeps } from '../app.js';
import type { GhlApi, GhlMessage } from '../ghl/api.js';
import { classifyCall } from './call-events.js';
import { type ContactEventKind, type HistoryRow, recordContactEvent } from './history.js';
import { recoverLatestRun } from './runs.js';
import type { RunsTable } from './tables.js';

/**
 * Before the first step, ask GHL what happened since the missed call, in case a webhook never came (GHL does not
 * retry most failed deliveries). What it finds is recorded as contact history, as the webhook would have been,
 * and returned for the step to decide on. The caller records that the run was checked (rest_checked_at) with
 * the step's own write.
 */
export async function checkGhlForContact(deps: AppDeps, ghl: GhlApi, run: Selectable<RunsTable>): Promise<HistoryRow[]> {
  const messages = await ghl.listMessagesSince(run.location_id, run.contact_id, run.started_at);
  const out: HistoryRow[] = [];
  for (const m of messages) {
    const found = kindOf(m);
    if (!found || new Date(m.dateAdded) < run.started_at) continue;
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

function kindOf(m: GhlMessage): { kind: ContactEventKind; recovery: string | null } | null {
  const call = classifyCall({ ...m, contactId: m.contactId ?? 'x', locationId: 'x', messageType: m.messageType ?? '' });
  if (call) {
    if (call.direction === 'outbound') {
      return call.kind === 'answered' ? { kind: 'outbound-answered', recovery: 'connected' } : { kind: 'outbound-unanswered', recovery: null };
    }
    return call.kind === 'answered' ? { kind: 'answered-call', recovery: 'connected' } : null;
  }
  const type = String(m.messageType ?? '').toUpperCase();
  if (m.direction === 'inbound' && (type.includes('SMS') || type.includes('EMAIL'))) return { kind: 'reply', recovery: 'replied' };
  return null;
}
