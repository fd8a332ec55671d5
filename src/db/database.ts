import type { JobsTables } from '../jobs/tables.js';

/** The whole schema as kysely sees it: each feature declares its own tables next to its code. */
export interface Database extends JobsTables {}
