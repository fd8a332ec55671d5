import { z } from 'zod';
import type { Deps } from '../deps.js';
import type { GhlApi } from '../ghl/api.js';
import { defineJob } from '../jobs/registry.js';
import { CONFIRM_OPT_OUT_JOB, DND_WRITE_JOB } from './consent.js';
import { ghlJobError } from '../ghl/job-errors.js';

/**
 * An opt-out Ringback received, written to GHL as that channel's DND (PUT /contacts/{id} `dndSettings`,
 * docs/compliance-signals.md), so GHL's own workflows and campaigns stop too. Setting it twice is harmless.
 * The factory shape of every job kind, though this one needs only GHL.
 */
export function dndWriteJob(_deps: Deps, ghl: GhlApi) {
  return defineJob({
    kind: DND_WRITE_JOB,
    schema: z.object({ locationId: z.string(), contactId: z.string(), channel: z.enum(['SMS', 'Email']) }),
    maxAttempts: 10,
    async handle({ locationId, contactId, channel }) {
      try {
        await ghl.setContactDnd(locationId, contactId, channel, {
          status: 'active',
          message: channel === 'SMS' ? 'Opted out by text reply (Ringback)' : 'Unsubscribed by email reply (Ringback)',
        });
      } catch (err) {
        throw ghlJobError(err);
      }
    },
  });
}

const CONFIRM_DUE_MS = 60 * 60_000;

/**
 * A reply that may be an opt-out: a rep gets a task to find out. Completing it lifts the hold (consent.ts
 * releaseHold); setting SMS DND in GHL makes the opt-out final. A retry finds the task it already created.
 */
export function confirmOptOutJob(deps: Deps, ghl: GhlApi) {
  return defineJob({
    kind: CONFIRM_OPT_OUT_JOB,
    schema: z.object({ locationId: z.string(), contactId: z.string(), reply: z.string() }),
    maxAttempts: 10,
    async handle({ locationId, contactId, reply }) {
      const { db, clock } = deps;
      const run = await db
        .selectFrom('runs')
        .select(['assigned_user_id', 'caller_phone'])
        .where('location_id', '=', locationId)
        .where('contact_id', '=', contactId)
        .orderBy('started_at', 'desc')
        .executeTakeFirst();
      const who = run?.caller_phone ?? 'this contact';
      const title = `Confirm opt-out: ${who} replied "${reply.slice(0, 60)}"`;
      try {
        const existing = (await ghl.listTasks(locationId, contactId)).find((t) => t.title === title && !t.completed);
        const id =
          existing?.id ??
          (
            await ghl.createTask(locationId, contactId, {
              title,
              body:
                `${who} replied "${reply}". That may mean they want no more texts, so Ringback holds its automated ` +
                'texts to them. If they do not want texts, set SMS Do Not Disturb on the contact. If they do, mark ' +
                'this task complete and automated texts resume.',
              dueDate: new Date(clock.now().getTime() + CONFIRM_DUE_MS),
              assignedTo: run?.assigned_user_id ?? null,
            })
          ).id;
        await db
          .updateTable('contact_flags')
          .set({ hold_task_id: id })
          .where('location_id', '=', locationId)
          .where('contact_id', '=', contactId)
          .where('sms_held_at', 'is not', null)
          .execute();
      } catch (err) {
        throw ghlJobError(err);
      }
    },
  });
}
