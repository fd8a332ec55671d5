import type { PhoneDeps } from './phone-calls.js';
import { contactIn } from './phone-calls.js';
import type { SandboxStore } from './store.js';
import type { DeliveryResult } from './types.js';

/** A GHL opportunity (a deal in a pipeline), as its webhooks carry it (docs/ghl-webhooks.md, "Opportunities"). */
export interface Opportunity {
  id: string;
  locationId: string;
  contactId: string;
  name: string;
  monetaryValue: number;
  status: 'open' | 'won' | 'lost' | 'abandoned';
  pipelineId: string;
  pipelineStageId: string;
  assignedTo: string | null;
  source: string;
  dateAdded: string;
  /** When it last changed (GET /opportunities/search's `updatedAt`). */
  updatedAt: string;
}

export interface OpportunityInput {
  locationId: string;
  contactId: string;
  monetaryValue: number;
  name?: string;
  status?: Opportunity['status'];
}

export interface OpportunityChange {
  locationId: string;
  id: string;
  monetaryValue?: number;
  status?: Opportunity['status'];
}

// Opportunities live beside the store they belong to, without widening the store's own shape.
const byStore = new WeakMap<SandboxStore, Map<string, Opportunity>>();
export function opportunitiesOf(store: SandboxStore): Map<string, Opportunity> {
  const found = byStore.get(store);
  if (found) return found;
  const map = new Map<string, Opportunity>();
  byStore.set(store, map);
  return map;
}

/** OpportunityMonetaryValueUpdate.md's example keys; the other opportunity events are read as the same shape. */
export function opportunityEvent(type: string, o: Opportunity): Record<string, unknown> {
  return {
    type,
    locationId: o.locationId,
    id: o.id,
    assignedTo: o.assignedTo,
    contactId: o.contactId,
    monetaryValue: o.monetaryValue,
    name: o.name,
    pipelineId: o.pipelineId,
    pipelineStageId: o.pipelineStageId,
    source: o.source,
    status: o.status,
    dateAdded: o.dateAdded,
  };
}

export async function createOpportunity(
  deps: PhoneDeps,
  input: OpportunityInput,
): Promise<{ opportunityId: string; delivery: DeliveryResult }> {
  const contact = contactIn(deps, input.locationId, input.contactId);
  const o: Opportunity = {
    id: deps.ids.next('opp'),
    locationId: input.locationId,
    contactId: contact.id,
    name: input.name ?? `${contact.firstName ?? 'New'} ${contact.lastName ?? 'lead'}`.trim(),
    monetaryValue: input.monetaryValue,
    status: input.status ?? 'open',
    pipelineId: `${input.locationId}_pipeline`,
    pipelineStageId: `${input.locationId}_stage_new`,
    assignedTo: null,
    source: 'phone call',
    dateAdded: deps.clock.now().toISOString(),
    updatedAt: deps.clock.now().toISOString(),
  };
  opportunitiesOf(deps.store).set(o.id, o);
  return { opportunityId: o.id, delivery: await deps.deliver(opportunityEvent('OpportunityCreate', o)) };
}

/** A value change sends OpportunityMonetaryValueUpdate, a status change OpportunityStatusUpdate (both: value first). */
export async function updateOpportunity(deps: PhoneDeps, change: OpportunityChange): Promise<DeliveryResult[]> {
  const o = opportunitiesOf(deps.store).get(change.id);
  if (!o || o.locationId !== change.locationId) throw new Error(`sandbox: no opportunity ${change.id}`);
  const out: DeliveryResult[] = [];
  if (change.monetaryValue !== undefined && change.monetaryValue !== o.monetaryValue) {
    o.monetaryValue = change.monetaryValue;
    o.updatedAt = deps.clock.now().toISOString();
    out.push(await deps.deliver(opportunityEvent('OpportunityMonetaryValueUpdate', o)));
  }
  if (change.status !== undefined && change.status !== o.status) {
    o.status = change.status;
    o.updatedAt = deps.clock.now().toISOString();
    out.push(await deps.deliver(opportunityEvent('OpportunityStatusUpdate', o)));
  }
  return out;
}
