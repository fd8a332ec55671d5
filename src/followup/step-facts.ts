import type { Kysely, Selectable } from 'kysely';
import type { Database } from '../db/database.js';
import type { GhlContact } from '../ghl/api.js';
import type { Settings } from '../settings/schema.js';
import { assignRep } from './round-robin.js';
import type { RunFacts } from './step-content.js';
import type { RunsTable, RunStepsTable, StepState } from './tables.js';

type Db = Kysely<Database>;
const DAY_MS = 86_400_000;

export interface StepFacts {
  step: Selectable<RunStepsTable>;
  run: Selectable<RunsTable>;
  /** Our callback tasks of this run: completing one of them is a stop condition. */
  taskIds: string[];
  touches: Date[];
  optedOutSms: boolean;
  notTextable: boolean;
  runFacts: RunFacts;
  routeNow(settings: Settings, contact: GhlContact): Promise<string | null>;
}

export async function loadStepFacts(db: Db, runStepId: number, now: Date): Promise<StepFacts | null> {
  const step = await db.selectFrom('run_steps').selectAll().where('id', '=', runStepId).executeTakeFirst();
  if (!step) return null;
  const run = await db.selectFrom('runs').selectAll().where('id', '=', step.run_id).executeTakeFirstOrThrow();
  const [siblings, flags, touches, firstCall] = await Promise.all([
    db.selectFrom('run_steps').selectAll().where('run_id', '=', run.id).orderBy('due_at').orderBy('id').execute(),
    db
      .selectFrom('contact_flags')
      .selectAll()
      .where('location_id', '=', run.location_id)
      .where('contact_id', '=', run.contact_id)
      .executeTakeFirst(),
    db
      .selectFrom('run_steps')
      .select('done_at')
      .where('location_id', '=', run.location_id)
      .where('contact_id', '=', run.contact_id)
      .where('action', '=', 'sms')
      .where('state', '=', 'done')
      .where('done_at', '>', new Date(now.getTime() - DAY_MS))
      .execute(),
    db
      .selectFrom('missed_calls')
      .select('voicemail_url')
      .where('run_id', '=', run.id)
      .where('voicemail_url', 'is not', null)
      .orderBy('called_at', 'desc')
      .executeTakeFirst(),
  ]);
  const sequence = siblings.filter((s) => s.action !== 'escalation');
  return {
    step,
    run,
    taskIds: siblings.filter((s) => s.action === 'task' && s.ghl_id).map((s) => s.ghl_id!),
    touches: touches.map((t) => t.done_at!).filter((d) => d.getTime() > 0),
    optedOutSms: !!flags?.sms_opted_out_at,
    notTextable: !!flags?.not_textable_at,
    runFacts: {
      startedAt: run.started_at,
      sourceTag: run.source_tag,
      trackingNumber: run.tracking_number,
      callerPhone: run.caller_phone,
      highValue: run.high_value,
      missedConnections: run.missed_connections,
      assignedUserId: run.assigned_user_id,
      voicemailUrl: firstCall?.voicemail_url ?? null,
      stepsDone: sequence
        .filter((s) => s.state === 'done' && s.done_at)
        .map((s) => ({ stepId: s.step_id, action: s.action, at: s.done_at! })),
    },
    async routeNow(settings, contact) {
      const source = settings.sources.find((s) => s.tag === run.source_tag && s.trackingNumber === run.tracking_number) ?? null;
      return db.transaction().execute(async (trx) => {
        const fresh = await trx.selectFrom('runs').select('assigned_user_id').where('id', '=', run.id).forUpdate().executeTakeFirst();
        if (fresh?.assigned_user_id) return fresh.assigned_user_id;
        const a = await assignRep(trx, { locationId: run.location_id, settings, source, contactTags: contact.tags, sourceTag: run.source_tag });
        await trx.updateTable('runs').set({ assigned_user_id: a.userId }).where('id', '=', run.id).execute();
        return a.userId;
      });
    },
  };
}

/** Moves a step between states, only from the states given: the guard that keeps transitions single. */
export async function markStep(
  db: Db,
  runStepId: number,
  from: StepState[],
  to: StepState,
  reason: string | null,
  now: Date,
) {
  return db
    .updateTable('run_steps')
    .set({ state: to, reason, done_at: now })
    .where('id', '=', runStepId)
    .where('state', 'in', from)
    .returning(['id', 'run_id', 'step_id'])
    .executeTakeFirst();
}
