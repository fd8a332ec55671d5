import { sql } from 'kysely';
import type { Db } from '../../src/db/create-db.js';
import { DIGEST_TAG } from '../../src/reporting/digest.js';
import type { Sandbox } from '../../src/sandbox/index.js';
import type { FedCall } from './feed.js';
import { sleep } from './fleet.js';

/** Waits until no job is pending or running and every step reached a final state, or throws with what is left. */
export async function waitForQuiet(db: Db, timeoutMs: number): Promise<number> {
  const started = Date.now();
  let last = '';
  while (Date.now() - started < timeoutMs) {
    const { rows } = await sql<{ jobs: number; steps: number }>`
      select (select count(*)::int from jobs where state in ('pending', 'running')) as jobs,
             (select count(*)::int from run_steps where state in ('pending', 'sending')) as steps`.execute(db.db);
    const r = rows[0]!;
    if (r.jobs === 0 && r.steps === 0) return Date.now() - started;
    last = `${r.jobs} jobs and ${r.steps} steps still open`;
    await sleep(500);
  }
  throw new Error(`not quiet after ${timeoutMs} ms: ${last}`);
}

export interface Audit {
  missedCallRows: number;
  /** Calls with no missed_calls row, or with more than one. */
  callsNotRecordedOnce: string[];
  /** Missed calls whose run has no outcome. */
  withoutOutcome: number;
  outcomes: Record<string, number>;
  stepStates: Record<string, number>;
  /** Steps an intent record saved from a second send (found in GHL after a crash). */
  stepsReconciled: number;
  deadJobs: number;
  /** The same message (contact + channel + body) or task (contact + title) created twice in GHL. */
  duplicateMessages: number;
  duplicateTasks: number;
  messagesSent: number;
  tasksCreated: number;
  inboxRows: number;
  inboxUnprocessed: number;
}

/** Every check that can be made once the work has settled, as numbers the test asserts and prints. */
export async function audit(db: Db, sandbox: Sandbox, calls: FedCall[]): Promise<Audit> {
  const rows = await db.db.selectFrom('missed_calls').select(['message_id']).execute();
  const perMessage = new Map<string, number>();
  for (const r of rows) perMessage.set(r.message_id ?? '', (perMessage.get(r.message_id ?? '') ?? 0) + 1);
  const { rows: outcomeRows } = await sql<{ outcome: string | null; n: number }>`
    select r.outcome, count(*)::int as n from missed_calls m join runs r on r.id = m.run_id group by r.outcome`.execute(
    db.db,
  );
  const { rows: stepRows } = await sql<{ state: string; n: number }>`
    select state, count(*)::int as n from run_steps group by state`.execute(db.db);
  const { rows: misc } = await sql<{ reconciled: number; dead: number; inbox: number; unprocessed: number }>`
    select (select count(*)::int from run_steps where reason = 'found in GHL after a restart') as reconciled,
           (select count(*)::int from jobs where state = 'dead') as dead,
           (select count(*)::int from webhook_inbox) as inbox,
           (select count(*)::int from webhook_inbox where processed_at is null) as unprocessed`.execute(db.db);
  const outcomes = Object.fromEntries(outcomeRows.map((r) => [r.outcome ?? 'none', r.n]));
  const sent = sentInSandbox(sandbox, [...new Set(calls.map((c) => c.locationId))]);
  return {
    missedCallRows: rows.length,
    callsNotRecordedOnce: calls.filter((c) => perMessage.get(c.messageId) !== 1).map((c) => c.messageId),
    withoutOutcome: outcomes['none'] ?? 0,
    outcomes,
    stepStates: Object.fromEntries(stepRows.map((r) => [r.state, r.n])),
    stepsReconciled: misc[0]!.reconciled,
    deadJobs: misc[0]!.dead,
    duplicateMessages: sent.duplicateMessages,
    duplicateTasks: sent.duplicateTasks,
    messagesSent: sent.messages,
    tasksCreated: sent.tasks,
    inboxRows: misc[0]!.inbox,
    inboxUnprocessed: misc[0]!.unprocessed,
  };
}

function countDuplicates(keys: string[]): number {
  const seen = new Map<string, number>();
  for (const k of keys) seen.set(k, (seen.get(k) ?? 0) + 1);
  return [...seen.values()].filter((n) => n > 1).reduce((a, n) => a + n - 1, 0);
}

/** What GHL received from Ringback: API messages (not digests) and tasks, with duplicates counted. */
export function sentInSandbox(sandbox: Sandbox, locationIds: string[]) {
  const messages: string[] = [];
  const tasks: string[] = [];
  for (const id of locationIds) {
    const digestContacts = new Set(digestContactIds(sandbox, id));
    for (const m of sandbox.store.messages(id)) {
      if (m.direction !== 'outbound' || m.source !== 'api' || digestContacts.has(m.contactId)) continue;
      messages.push(`${m.contactId}|${m.messageType}|${m.subject ?? ''}|${m.body}`);
    }
    for (const t of sandbox.store.tasks(id)) tasks.push(`${t.contactId}|${t.title}`);
  }
  return {
    messages: messages.length,
    tasks: tasks.length,
    duplicateMessages: countDuplicates(messages),
    duplicateTasks: countDuplicates(tasks),
  };
}

/** The contacts Ringback upserted to email the daily digest to. */
export function digestContactIds(sandbox: Sandbox, locationId: string): string[] {
  return sandbox.store
    .contacts(locationId)
    .filter((c) => c.tags.includes(DIGEST_TAG))
    .map((c) => c.id);
}

/** Prints one JSON line of measured figures: the README's Reliability table is made from these. */
export function report(test: string, figures: Record<string, unknown>): void {
  console.log(JSON.stringify({ reliability: test, ...figures }));
}

/** Work a dead process left behind: jobs still locked as running, steps whose intent was written but not done. */
export async function inFlight(db: Db): Promise<{ jobsRunning: number; stepsSending: number }> {
  const { rows } = await sql<{ jobs: number; steps: number }>`
    select (select count(*)::int from jobs where state = 'running') as jobs,
           (select count(*)::int from run_steps where state = 'sending') as steps`.execute(db.db);
  return { jobsRunning: rows[0]!.jobs, stepsSending: rows[0]!.steps };
}
