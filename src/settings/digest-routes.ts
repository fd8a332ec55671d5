/**
 * `GET /api/digest/preview` (the digest email as tomorrow morning's would read, from the last day's calls) and
 * `POST /api/digest/test` (that email, now, to the signed-in admin's own GHL email address; never to anyone
 * else, a few an hour). The same functions as the morning job build it (src/reporting/digest*.ts).
 */
import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { Database } from '../db/database.js';
import { AppError } from '../errors.js';
import type { GhlApi } from '../ghl/api.js';
import type { Logger } from '../logger.js';
import { loadLocationContext } from '../followup/location-settings.js';
import { FALLBACK_TIMEZONE, localParts } from '../core/timezone.js';
import { digestContact } from '../reporting/digest-contact.js';
import { digestCalls, digestEmail } from '../reporting/digest-content.js';
import { computeRevenue } from '../reporting/revenue.js';
import { requireAdmin, sessionOf } from '../session/auth.js';
import type { LookupCache } from './lookups.js';
import { windowCounter } from '../session/rate-limit.js';

const TESTS_PER_HOUR = 3;

export function digestRouter(
  deps: { db: Kysely<Database>; clock: Clock; logger: Logger; ghl?: GhlApi },
  lookups: LookupCache,
): Router {
  const r = Router();
  const limit = windowCounter(deps.clock, {
    max: TESTS_PER_HOUR,
    windowMs: 60 * 60_000,
    message: `at most ${TESTS_PER_HOUR} test digests an hour; wait a little`,
  });

  async function build(locationId: string) {
    const ctx = await loadLocationContext(deps.db, locationId);
    const timeZone = ctx.settings.timezone ?? ctx.timezone ?? FALLBACK_TIMEZONE;
    const now = deps.clock.now();
    // As the morning job builds it (src/reporting/digest.ts): the last day's calls, the week's revenue.
    const calls = await digestCalls(deps.db, locationId, now);
    const revenue = await computeRevenue(deps.db, {
      locationId,
      since: new Date(now.getTime() - 7 * 86_400_000),
      until: now,
    });
    const localDate = localParts(now, timeZone).date;
    const email = digestEmail({ businessName: ctx.name, localDate, timeZone, calls, revenue });
    return { ctx, email, timeZone };
  }

  r.get('/api/digest/preview', async (req, res) => {
    const { ctx, email, timeZone } = await build(sessionOf(req).locationId);
    res.json({
      subject: email.subject,
      html: email.html,
      enabled: ctx.settings.digest.enabled,
      at: ctx.settings.digest.at,
      timeZone,
      recipients: ctx.settings.digest.recipients,
    });
  });

  r.post('/api/digest/test', async (req, res) => {
    const session = requireAdmin(req);
    const ghl = deps.ghl;
    if (!ghl) throw new AppError(503, 'GHL_UNAVAILABLE', 'HighLevel cannot be reached from here; try again later');
    const { users } = await lookups.get(session.locationId, { fresh: true });
    const to = users?.find((u) => u.id === session.userId)?.email?.trim();
    if (!to) {
      throw new AppError(
        400,
        'NO_EMAIL',
        'your HighLevel user has no email address: add one to your profile in HighLevel, then try again',
      );
    }
    limit(session.locationId);
    const { email } = await build(session.locationId);
    const contact = await digestContact(ghl, session.locationId, to);
    await ghl.sendMessage(session.locationId, {
      type: 'Email',
      contactId: contact.id,
      subject: `[Test] ${email.subject}`,
      html: email.html,
    });
    deps.logger.info({ locationId: session.locationId, userId: session.userId }, 'test digest sent');
    res.json({ to });
  });

  return r;
}
