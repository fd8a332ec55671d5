import type { RawBuilder } from 'kysely';
import type { z } from 'zod';

export interface JobInfo {
  id: number;
  kind: string;
  attempts: number;
  maxAttempts: number;
  locationId: string | null;
  /** The worker holding the job: a handler whose last statement records the job done names it (RECORDED). */
  workerId: string;
}

/**
 * What a handler returns when its own last statement recorded the job done (ringback_job_done, in the same
 * statement as its effects), so the worker spends no round trip on it.
 */
export const RECORDED = 'recorded';
export type HandleResult = undefined | typeof RECORDED;

export interface JobDefinition<P = unknown> {
  kind: string;
  schema: z.ZodType<P>;
  maxAttempts?: number;
  handle(payload: P, job: JobInfo): Promise<HandleResult>;
  /** Runs once when the job lands in dead-letter, so its feature can record the failure where users see it. */
  onDead?(payload: P, error: string): Promise<void>;
  /**
   * What the claim of a job of this kind hands its handler instead of the stored payload: an SQL expression over
   * the job's row (`payload`), evaluated by the claim statement itself, so what the handler would read first
   * costs no round trip of its own (a step's facts). Outbound lane only.
   */
  claimPayload?(now: Date): RawBuilder<unknown>;
}

/** Keeps the payload type tied to its handler; the registry then holds them erased. */
export function defineJob<S extends z.ZodType>(def: {
  kind: string;
  schema: S;
  maxAttempts?: number;
  handle(payload: z.output<S>, job: JobInfo): Promise<HandleResult>;
  onDead?(payload: z.output<S>, error: string): Promise<void>;
  claimPayload?(now: Date): RawBuilder<unknown>;
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
