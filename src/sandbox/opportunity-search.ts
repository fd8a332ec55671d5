/**
 * `GET /opportunities/search` (apps/opportunities.json search-opportunity, scope `opportunities.readonly`,
 * `Version: 2021-07-28`): `location_id` required, filtered by `contact_id` and `status` (`open`, `won`, `lost`,
 * `abandoned` or `all`), `limit` up to 100 (default 20), `page` from 1. Answers SearchSuccessfulResponseDto
 * `{opportunities, meta, aggregations}` (docs/ghl-api-calls.md §6). The spec does not say which statuses come
 * without `status` [U]: the sandbox then lists them all.
 */
import { type Answer, type ApiCall, type ApiRoute, grantOf, queryString, requireQuery, traced } from './api.js';
import { authorizeLocation } from './auth.js';
import { GhlError } from './ghl-http.js';
import { type Opportunity, opportunitiesOf } from './opportunities.js';
import type { Deps } from './records.js';

const STATUSES = new Set(['open', 'won', 'lost', 'abandoned', 'all']);

function view(deps: Deps, o: Opportunity): Record<string, unknown> {
  const c = deps.store.contact(o.contactId);
  return {
    id: o.id,
    name: o.name,
    monetaryValue: o.monetaryValue,
    pipelineId: o.pipelineId,
    pipelineStageId: o.pipelineStageId,
    assignedTo: o.assignedTo,
    status: o.status,
    source: o.source,
    lastStatusChangeAt: o.updatedAt,
    lastStageChangeAt: o.dateAdded,
    lastActionDate: o.updatedAt,
    indexVersion: 1,
    createdAt: o.dateAdded,
    updatedAt: o.updatedAt,
    contactId: o.contactId,
    locationId: o.locationId,
    contact: {
      id: o.contactId,
      name: [c?.firstName, c?.lastName].filter(Boolean).join(' '),
      companyName: '',
      email: c?.email ?? '',
      phone: c?.phone ?? '',
      tags: c?.tags ?? [],
    },
    notes: [],
    tasks: [],
    calendarEvents: [],
    lostReasonId: null,
    customFields: [],
    followers: [],
    externalObjectId: null,
  };
}

function search(deps: Deps) {
  return (call: ApiCall): Answer => {
    const locationId = requireQuery(call, 'location_id');
    authorizeLocation(grantOf(call), deps.store, locationId);
    const status = queryString(call, 'status');
    if (status !== undefined && !STATUSES.has(status))
      throw new GhlError(422, [`status must be one of ${[...STATUSES].join(', ')}`]);
    const limit = Number(queryString(call, 'limit') ?? 20);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100)
      throw new GhlError(422, ['limit must not be greater than 100']);
    const page = Math.max(1, Number(queryString(call, 'page') ?? 1) || 1);
    const contactId = queryString(call, 'contact_id');
    const all = [...opportunitiesOf(deps.store).values()]
      .filter((o) => o.locationId === locationId)
      .filter((o) => contactId === undefined || o.contactId === contactId)
      .filter((o) => status === undefined || status === 'all' || o.status === status)
      .sort((a, b) => a.dateAdded.localeCompare(b.dateAdded) || a.id.localeCompare(b.id));
    const rows = all.slice((page - 1) * limit, page * limit);
    const last = rows.at(-1);
    return traced(200, {
      opportunities: rows.map((o) => view(deps, o)),
      meta: {
        total: all.length,
        nextPageUrl: null,
        startAfterId: last?.id ?? null,
        startAfter: last ? Date.parse(last.dateAdded) : null,
        currentPage: page,
        nextPage: page * limit < all.length ? page + 1 : null,
        prevPage: page > 1 ? page - 1 : null,
      },
      aggregations: {},
    });
  };
}

export function opportunityRoutes(deps: Deps): ApiRoute[] {
  return [{ method: 'get', path: '/opportunities/search', handler: search(deps) }];
}
