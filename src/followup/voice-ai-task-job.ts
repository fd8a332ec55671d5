/**
 * A Voice AI summary that came after the rep's callback task was created: the task in GHL is updated to carry it
 * (PUT /contacts/:contactId/tasks/:taskId, docs/ghl-api-calls.md §5), with the same words a task created after
 * the summary has (voice-ai.ts taskWithSummary). The task is read from GHL first and changed only when it does
 * not carry a summary yet: a second attempt after an update whose answer was lost finds it done, and what the
 * rep wrote into the task in the meantime is kept below the summary.
 */
import { z } from 'zod';
import type { Deps } from '../deps.js';
import type { GhlApi } from '../ghl/api.js';
import { ghlJobError } from '../ghl/job-errors.js';
import { RetryAtError } from '../jobs/errors.js';
import { defineJob } from '../jobs/registry.js';
import { ESCALATION_STEP } from './missed-call.js';
import { addRunEvent } from './runs.js';
import { carriesSummary, taskWithSummary, VOICE_AI_TASK_JOB } from './voice-ai.js';

/** A task whose send is still unsettled (its step retries) is looked at again this much later. */
const SENDING_RETRY_MS = 60_000;
export const TASK_UPDATED_TEXT = 'The rep’s callback task in HighLevel now carries Voice AI’s summary.';

export function voiceAiTaskJob(deps: Deps, ghl: GhlApi) {
  return defineJob({
    kind: VOICE_AI_TASK_JOB,
    schema: z.object({ runStepId: z.number().int(), callId: z.string() }),
    maxAttempts: 8,
    async handle({ runStepId, callId }) {
      const { db, clock } = deps;
      const step = await db
        .selectFrom('run_steps')
        .select(['id', 'run_id', 'location_id', 'contact_id', 'step_id', 'state', 'ghl_id'])
        .where('id', '=', runStepId)
        .executeTakeFirst();
      // The manager's escalation task is about the missed calls, not this caller's message.
      if (!step || step.step_id === ESCALATION_STEP) return;
      // The task's own step has not settled whether GHL created it: its retry does, then this looks again.
      if (step.state === 'sending') {
        throw new RetryAtError(new Date(clock.now().getTime() + SENDING_RETRY_MS), 'task not settled yet');
      }
      if (step.state !== 'done' || !step.ghl_id) return;
      const call = await db
        .selectFrom('voice_ai_calls')
        .select(['summary'])
        .where('location_id', '=', step.location_id)
        .where('call_id', '=', callId)
        .executeTakeFirst();
      if (!call?.summary) return;
      try {
        const task = await ghl.getTask(step.location_id, step.contact_id, step.ghl_id);
        if (!task) return; // deleted in GHL: nothing to tell
        // Already carrying a summary: an earlier attempt's update went through though its answer was lost.
        if (!carriesSummary(task.body ?? null)) {
          await ghl.updateTask(
            step.location_id,
            step.contact_id,
            step.ghl_id,
            taskWithSummary({ title: task.title, body: task.body ?? null }, call.summary),
          );
        }
      } catch (err) {
        throw ghlJobError(err);
      }
      const told = await db
        .selectFrom('run_events')
        .select('id')
        .where('run_id', '=', step.run_id)
        .where('kind', '=', 'voice-ai-task')
        .where('step_id', '=', step.step_id)
        .executeTakeFirst();
      if (!told) {
        await addRunEvent(db, step.run_id, clock.now(), 'voice-ai-task', { text: TASK_UPDATED_TEXT }, step.step_id);
      }
    },
  });
}
