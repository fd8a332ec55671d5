import { type Kysely, sql } from 'kysely';
import { z } from 'zod';
import type { Deps } from '../deps.js';
import type { Database } from '../db/database.js';
import { loadLocationContext } from '../followup/location-settings.js';
import { findOurMessage } from '../followup/sent-match.js';
import { ghlJobError } from '../ghl/job-errors.js';
import { FALLBACK_TIMEZONE, localParts, localToInstant } from '../core/timezone.js';
import { parseClock } from '../core/shared/clock-text.js';
import type { GhlApi } from '../ghl/api.js';
import { enqueueJob } from '../jobs/queries.js';
import { defineJob } from '../jobs/registry.js';
import { digestContact } from './digest-contact.js';
import { digestCalls, digestEmail } from './digest-content.js';
import { computeRevenue } from './revenue.js';

export const DIGEST_JOB = 'digest.email';
export { DIGEST_TAG } from './digest-contact.js';
// A digest that could not go out at its time (instance down) still goes out within this many minutes.
const CATCH_UP_MINUTES = 180;

/**
 * node-cron calls this every minute on every instance. The digests row (primary key location and local date)
 * is the lock: whichever instance inserts it enqueues one job per recipient, the others do nothing.
 */
export async function digestTick(db: Kysely<Database>, now: Date): Promise<number> {
  const rows = await sql<{
    location_id: string;
    settings: { digest: { at: string; recipients: string[] }; timezone: string | null };
    timezone: string | null;
    updated_at: Date;
  }>`
    select s.location_id, s.settings, i.timezone, s.updated_at from location_settings s
    join installations i on i.location_id = s.location_id and i.status = 'installed'
    where (s.settings -> 'digest' ->> 'enabled') = 'true'`.execute(db);
  let started = 0;
  for (const row of rows.rows) {
    const tz = row.settings.timezone ?? row.timezone ?? FALLBACK_TIMEZONE;
    const local = localParts(now, tz);
    const at = parseClock(row.settings.digest.at);
    if (at === null || local.minute < at || local.minute >= at + CATCH_UP_MINUTES) continue;
    const recipients = [...new Set(row.settings.digest.recipients.map((r) => r.toLowerCase()))];
    const until = localToInstant(local.date, at, tz);
    // Catch-up is for an instance that was down at digest time, not for an owner who switched the digest on
    // (or changed it) after today's time: the first digest then comes tomorrow.
    if (new Date(row.updated_at) > until) continue;
    await db.transaction().execute(async (trx) => {
      const claimed = await trx
        .insertInto('digests')
        .values({
          location_id: row.location_id,
          local_date: local.date,
          created_at: now,
          recipients: recipients.length,
        })
        .onConflict((oc) => oc.columns(['location_id', 'local_date']).doNothing())
        .returning('location_id')
        .executeTakeFirst();
      if (!claimed) return;
      started++;
      for (const email of recipients) {
        await enqueueJob(
          trx,
          {
            kind: DIGEST_JOB,
            payload: { locationId: row.location_id, localDate: local.date, until: until.toISOString(), email },
            runAt: now,
            uniqueKey: `digest:${row.location_id}:${local.date}:${email}`,
            locationId: row.location_id,
          },
          now,
        );
      }
    });
  }
  return started;
}

/** One recipient's digest: a tagged GHL contact so the email goes through GHL, sent once. */
export function digestJob(deps: Deps, ghl: GhlApi) {
  return defineJob({
    kind: DIGEST_JOB,
    schema: z.object({ locationId: z.string(), localDate: z.string(), until: z.string(), email: z.string() }),
    async handle(p) {
      try {
        const ctx = await loadLocationContext(deps.db, p.locationId);
        if (!ctx.installed) return;
        const tz = ctx.settings.timezone ?? ctx.timezone ?? FALLBACK_TIMEZONE;
        const calls = await digestCalls(deps.db, p.locationId, new Date(p.until));
        const until = new Date(p.until);
        const revenue = await computeRevenue(deps.db, {
          locationId: p.locationId,
          since: new Date(until.getTime() - 7 * 86_400_000),
          until,
        });
        const email = digestEmail({ businessName: ctx.name, localDate: p.localDate, timeZone: tz, calls, revenue });
        const contact = await digestContact(ghl, p.locationId, p.email);
        const since = new Date(new Date(p.until).getTime() - 60_000);
        const messages = await ghl.listMessagesSince(p.locationId, contact.id, since);
        const already = (await findOurMessage(ghl, p.locationId, messages, email)) !== null;
        if (!already) await ghl.sendMessage(p.locationId, { type: 'Email', contactId: contact.id, ...email });
        await deps.db
          .updateTable('digests')
          .set((eb) => ({ sent_at: deps.clock.now(), calls: calls.length, recipients: eb('recipients', '+', 0) }))
          .where('location_id', '=', p.locationId)
          .where('local_date', '=', p.localDate)
          .execute();
      } catch (err) {
        throw ghlJobError(err);
      }
    },
  });
}
