import { afterAll, describe, expect, it } from 'vitest';
import type { Db } from '../../src/db/create-db.js';
import { settleStep } from '../../src/followup/settle.js';
import { freshPostgresUrl, onPostgres } from '../helpers/db.js';
import { openDb, sleep } from './fleet.js';

let db: Db | undefined;
afterAll(async () => {
  await db?.close();
});

/**
 * Found by the kill -9 test: after a restart the recovered jobs of one run's steps ran side by side, and a few
 * runs stayed active forever with every step final. Two transactions each finishing the last-but-one step saw
 * the other's step still open (READ COMMITTED) and neither ended the run. Here the interleaving is forced: the
 * first settle's transaction is held open after it counted the steps.
 */
describe.skipIf(!onPostgres)('two steps of one run finishing at the same moment', () => {
  it('end the run: the second finisher waits for the first and sees its commit', async () => {
    db = await openDb(await freshPostgresUrl());
    const now = new Date();
    const run = await db.db
      .insertInto('runs')
      .values({
        location_id: 'loc_x',
        contact_id: 'con_x',
        status: 'active',
        started_at: now,
        created_at: now,
        updated_at: now,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const [a, b] = await Promise.all(
      ['apology-sms', 'callback-task'].map((stepId) =>
        db!.db
          .insertInto('run_steps')
          .values({
            run_id: run.id,
            location_id: 'loc_x',
            contact_id: 'con_x',
            step_id: stepId,
            action: 'sms',
            due_at: now,
            state: 'sending',
          })
          .returning('id')
          .executeTakeFirstOrThrow(),
      ),
    );
    let release = () => {};
    const hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    let firstChecked = () => {};
    const checked = new Promise<void>((resolve) => {
      firstChecked = resolve;
    });
    const sent = (runStepId: number) =>
      ({
        runStepId,
        from: ['sending'],
        to: 'done',
        reason: null,
        event: { kind: 'sent', detail: {} },
        at: now,
      }) as const;
    const first = db.db.transaction().execute(async (trx) => {
      await settleStep(trx, sent(a!.id));
      firstChecked();
      await hold;
    });
    await checked;
    let secondDone = false;
    const second = db.db
      .transaction()
      .execute(async (trx) => {
        await settleStep(trx, sent(b!.id));
      })
      .then(() => {
        secondDone = true;
      });
    await sleep(300);
    const waited = !secondDone;
    release();
    await Promise.all([first, second]);
    const after = await db.db
      .selectFrom('runs')
      .select(['status', 'outcome', 'outcome_reason'])
      .where('id', '=', run.id)
      .executeTakeFirstOrThrow();
    expect(after).toEqual({ status: 'ended', outcome: 'lost', outcome_reason: 'sequence-ended' });
    expect(waited).toBe(true);
  });
});
