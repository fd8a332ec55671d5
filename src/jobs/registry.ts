import type { z } from 'zod';

export interface JobInfo {
  id: number;
  kind: string;
  attempts: number;
  maxAttempts: number;
  locationId: string | null;
}

export interface JobDefinition<P = unknown> {
  kind: string;
  schema: z.ZodType<P>;
  maxAttempts?: number;
  handle(payload: P, job: JobInfo): Promise<void>;
  /** Runs once when the job lands in dead-letter, so its feature can record the failure where users see it. */
  onDead?(payload: P, error: string): Promise<void>;
}

/** Keeps the payload type tied to its handler; the registry then holds them erased. */
export function defineJob<S extends z.ZodType>(def: {
  kind: string;
  schema: S;
  maxAttempts?: number;
  handle(payload: z.output<S>, job: JobInfo): Promise<void>;
  onDead?(payload: z.output<S>, error: string): Promise<void>;
}): JobDefinition {
  return def as JobDefinition;
}

export type JobRegistry = ReadonlyMap<string, JobDefinition>;

export function createRegistry(defs: JobDefinition[]): JobRegistry {
  const map = new Map<string, JobDefinition>();
  for (const def of defs) {
    if (map.has(def.kind)) throw new Error(`job kind ${def.kind} registered twice`);
    map.set(def.kind, def);
  }
  return map;
}
