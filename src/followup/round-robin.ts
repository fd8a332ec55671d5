import { type Kysely, sql } from 'kysely';
import type { Database } from '../db/database.js';
import type { Settings, SourceSettings } from '../core/settings/schema.js';
import { removedUserIds } from './crm-events.js';
import { type Assignment, chooseAssignee } from '../core/routing.js';

/**
 * Chooses the rep for a run. When the choice takes turns, the pointer of that pool is advanced in one atomic
 * upsert, so two workers assigning at once get consecutive slots and never hand out the same one.
 */
export interface AssignInput {
  locationId: string;
  settings: Pick<Settings, 'routing'>;
  source: Pick<SourceSettings, 'assignTo'> | null;
  contactTags: readonly string[];
  sourceTag: string | null;
}

export async function assignRep(db: Kysely<Database>, given: AssignInput): Promise<Assignment> {
  const { input, probe } = probeOf(given, await removedUserIds(db, given.locationId));
  if (!probe.consumesRoundRobin) return probe;
  const pool = poolKey(probe);
  const res = await sql<{ slot: number }>`
    insert into round_robin (location_id, pool, next_index) values (${input.locationId}, ${pool}, 1)
    on conflict (location_id, pool) do update set next_index = round_robin.next_index + 1
    returning next_index - 1 as slot`.execute(db);
  return chooseAssignee({ ...input, roundRobinIndex: res.rows[0]?.slot ?? 0 });
}

/**
 * Who may get a run's callback task, for the statement that assigns it (ringback_attribute_run): the user when
 * the choice takes no turn, else the pool whose turn-taking pointer the statement advances.
 */
export type AssignmentPool =
  | { via: Assignment['via']; userId: string | null; takesTurns: false }
  | { via: Assignment['via']; takesTurns: true; members: string[]; key: string };

export function assignmentPool(given: AssignInput, removed: ReadonlySet<string>): AssignmentPool {
  const { probe } = probeOf(given, removed);
  if (!probe.consumesRoundRobin) return { via: probe.via, userId: probe.userId, takesTurns: false };
  return { via: probe.via, takesTurns: true, members: [...probe.pool], key: poolKey(probe) };
}

/** Who would be assigned next, without taking the turn: the settings page's dry run. */
export async function peekRep(db: Kysely<Database>, given: AssignInput): Promise<Assignment> {
  const { input, probe } = probeOf(given, await removedUserIds(db, given.locationId));
  if (!probe.consumesRoundRobin) return probe;
  const row = await db
    .selectFrom('round_robin')
    .select('next_index')
    .where('location_id', '=', input.locationId)
    .where('pool', '=', poolKey(probe))
    .executeTakeFirst();
  return chooseAssignee({ ...input, roundRobinIndex: row?.next_index ?? 0 });
}

/** The choice with deleted reps left out, at the pool's first turn: which list, and whether it takes turns. */
function probeOf(given: AssignInput, removed: ReadonlySet<string>): { input: AssignInput; probe: Assignment } {
  const input = withoutUsers(given, removed);
  return { input, probe: chooseAssignee({ ...input, roundRobinIndex: 0 }) };
}

/** Reps GHL deleted (UserDelete) leave every list they are on; a list left empty falls through to the next. */
function withoutUsers(input: AssignInput, removed: ReadonlySet<string>): AssignInput {
  if (removed.size === 0) return input;
  const keep = (ids: readonly string[]) => ids.filter((id) => !removed.has(id));
  const { routing } = input.settings;
  return {
    ...input,
    settings: {
      routing: {
        ...routing,
        userIds: keep(routing.userIds),
        rules: routing.rules.map((r) => ({ ...r, userIds: keep(r.userIds) })),
      },
    },
    source: input.source ? { ...input.source, assignTo: keep(input.source.assignTo) } : null,
  };
}

// Each list of users takes turns on its own pointer, so a source's reps and the general pool never skew each other.
function poolKey(probe: Assignment): string {
  return `${probe.via}:${probe.pool.join(',')}`;
}
