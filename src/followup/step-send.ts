import type { AppDeps } from '../app.js';
import { type GhlApi, type GhlContact, GhlRateLimitedError, GhlRequestError } from '../ghl/api.js';
import { addRunEvent, finishRunIfComplete, lockRun } from './runs.js';
import type { RenderedStep } from './step-content.js';
import { isOurMessage } from './sent-match.js';
import type { StepFacts } from './step-facts.js';

// A message sent just before the intent was written still counts: look a little before it.
const LOOKBACK_MS = 60_000;

/**
 * Exactly-once delivery of one step. The intent (state 'sending' and the rendered content) is committed before
 * GHL is called; a worker that dies after the call leaves 'sending' behind, and whoever runs the step next asks
 * GHL whether the message or task already exists before sending again. Only answers that prove nothing was
 * sent (429, a 4xx refusal) put the step back.
 */
export async function sendStepOnce(
  deps: AppDeps,
  ghl: GhlApi,
  facts: StepFacts,
  rendered: RenderedStep,
  contact: GhlContact,
): Promise<void> {
  const { db, clock } = deps;
  const { step, run } = facts;
  let content = rendered;
  if (step.state === 'sending') {
    content = (step.rendered as RenderedStep | null) ?? rendered;
    const found = await findSent(ghl, step.location_id, step.contact_id, content, step.intent_at ?? run.started_at);
    if (found) return markDone(deps, facts, found, content, true);
  } else {
    // The intent is written under the run's row lock, the lock endRun takes too: once a run has ended, none of
    // its steps can start sending.
    const claimed = await db.transaction().execute(async (trx) => {
      const now = clock.now();
      const current = await trx.selectFrom('runs').select(['status', 'outcome', 'outcome_reason']).where('id', '=', run.id).forUpdate().executeTakeFirst();
      if (current?.status !== 'active' && step.action !== 'escalation') {
        await trx
          .updateTable('run_steps')
          .set({ state: 'stopped', reason: `run ${current?.outcome}: ${current?.outcome_reason}`, done_at: now })
          .where('id', '=', step.id)
          .where('state', '=', 'pending')
          .execute();
        return false;
      }
      const res = await trx
        .updateTable('run_steps')
        .set({ state: 'sending', intent_at: now, rendered: JSON.stringify(content) })
        .where('id', '=', step.id)
        .where('state', '=', 'pending')
        .executeTakeFirst();
      return res.numUpdatedRows > 0n;
    });
    if (!claimed) return;
  }
  let ghlId: string;
  try {
    ghlId = await send(ghl, step.location_id, step.contact_id, content, contact);
  } catch (err) {
    if (err instanceof GhlRateLimitedError) {
      await db.updateTable('run_steps').set({ state: 'pending' }).where('id', '=', step.id).where('state', '=', 'sending').execute();
    } else if (err instanceof GhlRequestError) {
      const now = clock.now();
      await db.transaction().execute(async (trx) => {
        await lockRun(trx, run.id);
        await trx
          .updateTable('run_steps')
          .set({ state: 'failed', reason: `GHL refused (${err.status}): ${err.message}`.slice(0, 500), done_at: now })
          .where('id', '=', step.id)
          .execute();
        await addRunEvent(trx, run.id, now, 'step-failed', { status: err.status, error: err.message }, step.step_id);
        await finishRunIfComplete(trx, run.id, now);
      });
      return;
    }
    throw err;
  }
  await markDone(deps, facts, ghlId, content, false);
}

async function send(
  ghl: GhlApi,
  locationId: string,
  contactId: string,
  content: RenderedStep,
  _contact: GhlContact,
): Promise<string> {
  if (content.action === 'sms') {
    const r = await ghl.sendMessage(locationId, {
      type: 'SMS',
      contactId,
      message: content.message,
      ...(content.fromNumber ? { fromNumber: content.fromNumber } : {}),
    });
    return r.messageId;
  }
  if (content.action === 'email') {
    const r = await ghl.sendMessage(locationId, { type: 'Email', contactId, subject: content.subject, html: content.html });
    return r.messageId;
  }
  const task = await ghl.createTask(locationId, contactId, {
    title: content.title,
    body: content.body,
    dueDate: new Date(content.dueDate),
    assignedTo: content.assignedTo,
  });
  return task.id;
}

/** The message or task this step already created in GHL, if the previous attempt got that far. */
async function findSent(
  ghl: GhlApi,
  locationId: string,
  contactId: string,
  content: RenderedStep,
  intentAt: Date,
): Promise<string | null> {
  if (content.action === 'task') {
    const tasks = await ghl.listTasks(locationId, contactId);
    return tasks.find((t) => t.title === content.title)?.id ?? null;
  }
  const since = new Date(intentAt.getTime() - LOOKBACK_MS);
  const messages = await ghl.listMessagesSince(locationId, contactId, since);
  const wanted = content.action === 'sms' ? { sms: content.message } : { subject: content.subject, html: content.html };
  const match = messages.find((m) => isOurMessage(m, wanted));
  return match?.id ?? null;
}

async function markDone(
  deps: AppDeps,
  facts: StepFacts,
  ghlId: string,
  content: RenderedStep,
  recovered: boolean,
): Promise<void> {
  const now = deps.clock.now();
  const { step, run } = facts;
  await deps.db.transaction().execute(async (trx) => {
    await lockRun(trx, run.id);
    const res = await trx
      .updateTable('run_steps')
      .set({ state: 'done', ghl_id: ghlId, done_at: now, reason: recovered ? 'found in GHL after a restart' : null })
      .where('id', '=', step.id)
      .where('state', '=', 'sending')
      .executeTakeFirst();
    if (res.numUpdatedRows === 0n) return;
    if (step.action !== 'escalation') {
      await trx
        .updateTable('runs')
        .set((eb) => ({ first_followup_at: eb.fn.coalesce('first_followup_at', eb.val(now)), updated_at: now }))
        .where('id', '=', run.id)
        .execute();
    }
    await addRunEvent(trx, run.id, now, 'sent', { action: content.action, ghlId, preview: preview(content) }, step.step_id);
    if (step.action === 'escalation') {
      await trx.updateTable('runs').set({ escalated_at: now }).where('id', '=', run.id).execute();
    }
    await finishRunIfComplete(trx, run.id, now);
  });
}

function preview(content: RenderedStep): string {
  const text = content.action === 'sms' ? content.message : content.action === 'email' ? content.subject : content.title;
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}
