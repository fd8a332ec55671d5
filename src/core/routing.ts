/**
 * Who gets a callback task (docs/design.md §3 Routing): the source's `assignTo`, else the first `routing.rules` entry
 * whose tag the contact or the call's source carries, else round-robin over `routing.userIds`, else nobody.
 */
import type { Settings, SourceSettings } from './settings/schema.js';

export type AssignmentVia = 'source' | 'rule' | 'round-robin' | 'none';

export interface Assignment {
  userId: string | null;
  via: AssignmentVia;
  /**
   * Whether the round-robin index chose the user, so the caller should advance it: always for `round-robin`,
   * and for a source or rule naming several users, which take turns through the same index.
   */
  consumesRoundRobin: boolean;
  /** The list the user was chosen from (empty for `none`): the users who take turns with them. */
  pool: readonly string[];
}

export interface AssignmentInput {
  settings: Pick<Settings, 'routing'>;
  /** The `sources[]` entry of the tracking number dialled, or null. */
  source: Pick<SourceSettings, 'assignTo'> | null;
  contactTags: readonly string[];
  /** The tag of the call's source (it may not be on the contact yet when the task is created). */
  sourceTag: string | null;
  /** The location's counter of assignments made so far. */
  roundRobinIndex: number;
}

export function chooseAssignee(input: AssignmentInput): Assignment {
  const { settings, source, contactTags, sourceTag, roundRobinIndex } = input;
  if (source && source.assignTo.length > 0) return pick(source.assignTo, roundRobinIndex, 'source');
  const tags = new Set([...contactTags, ...(sourceTag ? [sourceTag] : [])].map(normalizeTag));
  const rule = settings.routing.rules.find((r) => r.userIds.length > 0 && tags.has(normalizeTag(r.ifTag)));
  if (rule) return pick(rule.userIds, roundRobinIndex, 'rule');
  if (settings.routing.userIds.length > 0) return pick(settings.routing.userIds, roundRobinIndex, 'round-robin');
  return { userId: null, via: 'none', consumesRoundRobin: false, pool: [] };
}

function pick(userIds: readonly string[], index: number, via: Exclude<AssignmentVia, 'none'>): Assignment {
  const size = userIds.length;
  // A counter read from the database may be negative or fractional after a bad write; never index out of range.
  const safe = Number.isFinite(index) ? Math.trunc(index) : 0;
  const userId = userIds[((safe % size) + size) % size] ?? null;
  return { userId, via, consumesRoundRobin: via === 'round-robin' || size > 1, pool: userIds };
}

// GHL lower-cases contact tags, so a rule written "Service" must match the contact's "service".
function normalizeTag(tag: string): string {
  return tag.trim().toLowerCase();
}
