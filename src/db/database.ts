import type { FollowupTables } from '../followup/tables.js';
import type { GhlTables } from '../installations/tables.js';
import type { JobsTables } from '../jobs/tables.js';
import type { SettingsTables } from '../settings/tables.js';

/** The whole schema as kysely sees it: each feature declares its own tables next to its code. */
export interface Database extends JobsTables, GhlTables, SettingsTables, FollowupTables {}
