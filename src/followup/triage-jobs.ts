import { z } from 'zod';
import type { Deps } from '../deps.js';
import type { GhlApi } from '../ghl/api.js';
import { defineJob } from '../jobs/registry.js';
import { ghlJobError } from '../ghl/job-errors.js';
import { GATED_CLASSES } from './triage-gates.js';
import { TRIAGE_TASK_JOB } from './triage-reply.js';

const DUE_MS = {
  emergency: 0,
  book: 15 * 60_000,
  price: 15 * 60_000,
  'wrong-number': 60 * 60_000,
  confirm: 30 * 60_000,
};

/**
 * The task a triaged reply gives (triage-reply.ts): GHL tasks have no priority field, so an emergency is due now
 * and its title starts with URGENT. A retry finds the task it already created by its title.
 */
export function triageTaskJob(deps: Deps, ghl: GhlApi) {
  return defineJob({
    kind: TRIAGE_TASK_JOB,
    schema: z.object({
      locationId: z.string(),
      contactId: z.string(),
      kind: z.enum([...GATED_CLASSES, 'confirm']),
      looksLike: z.enum(GATED_CLASSES),
      reply: z.string(),
      assignedTo: z.string().nullable(),
    }),
    maxAttempts: 10,
    async handle({ locationId, contactId, kind, looksLike, reply, assignedTo }) {
      const { db, clock } = deps;
      const run = await db
        .selectFrom('runs')
        .select(['caller_phone'])
        .where('location_id', '=', locationId)
        .where('contact_id', '=', contactId)
        .orderBy('started_at', 'desc')
        .executeTakeFirst();
      const who = run?.caller_phone ?? 'this contact';
      const { title, body } = wording(kind, looksLike, who, reply);
      try {
        const existing = (await ghl.listTasks(locationId, contactId)).find((t) => t.title === title && !t.completed);
        if (existing) return;
        await ghl.createTask(locationId, contactId, {
          title,
          body,
          dueDate: new Date(clock.now().getTime() + DUE_MS[kind]),
          assignedTo,
        });
      } catch (err) {
        throw ghlJobError(err);
      }
    },
  });
}

function wording(kind: keyof typeof DUE_MS, looksLike: string, who: string, reply: string) {
  const quoted = `"${reply.slice(0, 60)}"`;
  switch (kind) {
    case 'emergency':
      return {
        title: `URGENT: ${who} replied ${quoted}`,
        body: `${who} replied "${reply}". It reads as an emergency: call them now.`,
      };
    case 'book':
      return {
        title: `Wants to book: ${who} replied ${quoted}`,
        body: `${who} replied "${reply}". They want to book: call them back and book them.`,
      };
    case 'price':
      return {
        title: `Price question: ${who} replied ${quoted}`,
        body: `${who} replied "${reply}". They asked about price: call them back with it.`,
      };
    case 'wrong-number':
      return { title: `Wrong number: ${who} replied ${quoted}`, body: `${who} replied "${reply}".` };
    default:
      return {
        title: `Confirm: looks like ${looksLike.replace('-', ' ')} — ${who} replied ${quoted}`,
        body: `${who} replied "${reply}". Ringback's reading of such replies is not reliable enough to act on alone: read it and act if it is ${looksLike.replace('-', ' ')}.`,
      };
  }
}
