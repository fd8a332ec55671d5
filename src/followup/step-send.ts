import type { Deps } from '../deps.js';
import { PREPARED } from '../db/prepared.js';
import { sql } from 'kysely';
import { type GhlApi, GhlRateLimitedError, GhlRequestError, GhlScopeError } from '../ghl/api.js';
import { RetryAtError } from '../jobs/errors.js';
import { addRunEvent, lockRun } from './runs.js';
import { type JobMark, settleStep } from './settle.js';
import type { RenderedStep } from '../core/step-content.js';
import { findOurMessage } from './sent-match.js';
import type { StepFacts } from './step-facts.js';

// A message sent just before the intent was written still counts: look a little before it.
const LOOKBACK_MS = 60_000;
const DAY_MS = 24 * 60 * 60_000;
// How soon a step that lost the last place under the cap decides again.
const CAP_RECHECK_MS = 5_000;

/**
 * Exactly-once delivery of one step. The intent (state 'sending' and the rendered content) is committed before
 * GHL is called; a worker that dies after the call, a 5xx or a timeout leaves 'sending' behind, and whoever runs
 * the step next asks GHL whether the message or task already exists before deciding again (step-retry.ts).
 * Only answers that prove nothing was sent (429, a 4xx refusal) put the step back here.
 */
export async function sendStepOnce(
  deps: Deps,
  ghl: GhlApi,
  facts: StepFacts,
  rendered: RenderedStep,
  opts: { restChecked: boolean; smsCap?: number; job?: JobMark },
): Promise<void> {
  const { db, clock } = deps;
  const { step, run } = facts;
  const content = rendered;
  // A step left 'sending' was settled first (step-retry.ts): only a pending step gets here.
  const now = clock.now();
  const intent = await writeIntent(db, { stepId: step.id, runId: run.id, content, now, smsCap: opts.smsCap });
  // Another text of this contact took the last place under the cap since this step decided: decide again soon,
  // when the facts show that text (and the decision defers with its reason).
  if (intent === 'capped') throw new RetryAtError(new Date(now.getTime() + CAP_RECHECK_MS), 'deferred: touch-cap');
  if (intent !== 'sending') return;
  let sent: Sent;
  try {
    sent = await send(ghl, step.location_id, step.contact_id, content);
  } catch (err) {
    if (err instanceof GhlRateLimitedError) {
      await db
        .updateTable('run_steps')
        .set({ state: 'pending' })
        .where('id', '=', step.id)
        .where('state', '=', 'sending')
        .execute();
    } else if (err instanceof GhlRequestError) {
      await settleStep(db, {
        runStepId: step.id,
        from: ['sending'],
        to: 'failed',
        reason: `GHL refused (${err.status}): ${err.message}`.slice(0, 500),
        event: { kind: 'step-failed', detail: { status: err.status, error: err.message } },
        at: clock.now(),
      });
      return;
    }
    throw err;
  }
  await markDone(deps, facts, sent.id, content, { recovered: false, restChecked: opts.restChecked, job: opts.job });
  if (sent.senderRefused) {
    const detail = {
      refused: sent.senderRefused.number,
      error: sent.senderRefused.error,
      fellBackTo: 'default number',
    };
    await addRunEvent(db, run.id, clock.now(), 'sender-fallback', detail, step.step_id);
  }
}

export type Sent = { id: string; senderRefused?: { number: string; error: string } };

/**
 * Speed: the one-statement fast path replaces the locked count on every text; PGlite steps 84 -> 118/s, 9.0 -> 5.0
 * round trips a step (commit 2f2c301).
 * Moves a pending step to 'sending' with its content, in one statement that holds the run's row lock, the lock
 * endRun takes too: once a run has ended, none of its steps can start sending (the step stops instead; an
 * escalation still goes out). An SMS must also stay under the cap (the law's, in FL, OK and MD) when several
 * texts of one contact were decided together, each before the others were recorded.
 */
async function writeIntent(
  db: Deps['db'],
  w: { stepId: number; runId: number; content: RenderedStep; now: Date; smsCap?: number },
): Promise<'sending' | 'not-sending' | 'capped'> {
  if (w.content.action !== 'sms' || w.smsCap === undefined) return intentStatement(db, w, null);
  const cap = Math.max(1, Math.floor(w.smsCap));
  // Fast path, one statement: the contact's texts sent in 24 h, being sent, or pending and due, leave room for
  // this one even if all of those go. Of two texts deciding at once, each counts the other as pending and due,
  // so near the cap both fall to the locked path below.
  if ((await intentStatement(db, w, cap)) === 'sending') return 'sending';
  // Under the run's lock (one active run per contact makes it the contact's), in a statement that starts after
  // the lock is held and so sees every text that committed before it: the exact count.
  return db.transaction().execute(async (trx) => {
    await lockRun(trx, w.runId);
    const { rows } = await sql<{ n: number }>`${sql.raw(PREPARED)}
      select count(*)::int as n from run_steps t
      join run_steps s on s.id = ${w.stepId}
      where t.location_id = s.location_id and t.contact_id = s.contact_id and t.action = 'sms' and t.id <> s.id
        and (t.state = 'sending' or (t.state = 'done' and t.done_at > ${new Date(w.now.getTime() - DAY_MS)}))`.execute(
      trx,
    );
    if ((rows[0]?.n ?? 0) >= cap) return 'capped';
    return intentStatement(trx, w, null);
  });
}

/** The intent itself; with `roomUnder`, only while the contact's texts sent, sending or due leave room. */
async function intentStatement(
  db: Deps['db'],
  w: { stepId: number; runId: number; content: RenderedStep; now: Date },
  roomUnder: number | null,
): Promise<'sending' | 'not-sending'> {
  const dayAgo = new Date(w.now.getTime() - DAY_MS);
  // An escalation goes whatever became of the run; the booking link a reply asked for goes after the reply
  // recovered it (booking-link.ts).
  const goes = sql`(r.status = 'active' or s.action = 'escalation'
    or (s.step_id = 'booking-link' and r.outcome = 'recovered'))`;
  const { rows } = await sql<{ state: string }>`${sql.raw(PREPARED)}
    with r as (select status, outcome, outcome_reason from runs where id = ${w.runId} for update)
    update run_steps s set
      state = case when ${goes} then 'sending' else 'stopped' end,
      intent_at = case when ${goes} then ${w.now} else s.intent_at end,
      rendered = case when ${goes} then ${JSON.stringify(w.content)}::jsonb else s.rendered end,
      reason = case when ${goes} then s.reason
                    else 'run ' || coalesce(r.outcome, '') || ': ' || coalesce(r.outcome_reason, '') end,
      done_at = case when ${goes} then s.done_at else ${w.now} end
    from r
    where s.id = ${w.stepId} and s.state = 'pending'
      and (${roomUnder}::int is null or (select count(*) from run_steps t
        where t.location_id = s.location_id and t.contact_id = s.contact_id and t.action = 'sms' and t.id <> s.id
          and (t.state = 'sending' or (t.state = 'done' and t.done_at > ${dayAgo})
               or (t.state = 'pending' and t.due_at <= ${w.now}))) < ${roomUnder}::int)
    returning s.state`.execute(db);
  return rows[0]?.state === 'sending' ? 'sending' : 'not-sending';
}

/** One rendered step into GHL, the sender falling back as below; the page's "send to my phone" uses it too. */
export async function send(ghl: GhlApi, locationId: string, contactId: string, content: RenderedStep): Promise<Sent> {
  if (content.action === 'sms') {
    const sms = { type: 'SMS', contactId, message: content.message } as const;
    if (!content.fromNumber) return { id: (await ghl.sendMessage(locationId, sms)).messageId };
    try {
      return { id: (await ghl.sendMessage(locationId, { ...sms, fromNumber: content.fromNumber })).messageId };
    } catch (err) {
      // A 4xx proves nothing went out. GHL refuses a sender that is not (or no longer) an SMS number of the
      // location, e.g. a tracking number in a pool (docs/ghl-api-calls.md, send): the location's default
      // number still reaches the caller. Another refusal (DND) is refused again and fails the step as before.
      if (!(err instanceof GhlRequestError) || err instanceof GhlScopeError) throw err;
      const id = (await ghl.sendMessage(locationId, sms)).messageId;
      return { id, senderRefused: { number: content.fromNumber, error: err.message.slice(0, 300) } };
    }
  }
  if (content.action === 'email') {
    const r = await ghl.sendMessage(locationId, {
      type: 'Email',
      contactId,
      subject: content.subject,
      html: content.html,
    });
    return { id: r.messageId };
  }
  const task = await ghl.createTask(locationId, contactId, {
    title: content.title,
    body: content.body,
    dueDate: new Date(content.dueDate),
    assignedTo: content.assignedTo,
  });
  return { id: task.id };
}

/** The message or task this step already created in GHL, if the previous attempt got that far. */
export async function findSent(
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
  return findOurMessage(ghl, locationId, messages, wanted);
}

/** Done with GHL's id (only from 'sending', so a step is done once), the send on the run's timeline. */
export async function markDone(
  deps: Deps,
  facts: StepFacts,
  ghlId: string,
  content: RenderedStep,
  opts: { recovered: boolean; restChecked: boolean; job?: JobMark },
): Promise<void> {
  await settleStep(deps.db, {
    runStepId: facts.step.id,
    from: ['sending'],
    to: 'done',
    reason: opts.recovered ? 'found in GHL after a restart' : null,
    ghlId,
    event: { kind: 'sent', detail: { action: content.action, ghlId, preview: preview(content) } },
    at: deps.clock.now(),
    restChecked: opts.restChecked,
    job: opts.job,
  });
}

function preview(content: RenderedStep): string {
  const text =
    content.action === 'sms' ? content.message : content.action === 'email' ? content.subject : content.title;
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}
