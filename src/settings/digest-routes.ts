/**
 * `GET /api/digest/preview` (the digest email as tomorrow morning's would read, from the last day's calls) and
 * `POST /api/digest/test` (that email, now, to the signed-in admin's own GHL email address; never to anyone
 * else, a few an hour). The same functions as the morning job build it (src/reporting/digest*.ts).
 */
import { Router } from 'express';
import type { AppDeps } from '../app.js';
import { AppError } from '../errors.js';
import { loadLocationContext } from '../followup/location-settings.js';
import { FALLBACK_TIMEZONE, localParts } from '../followup/timezone.js';
import { digestContact } from '../reporting/digest.js';
import { digestCalls, digestEmail } from '../reporting/digest-content.js';
import { requireAdmin, sessionOf } from './auth.js';
import type { LookupCache } from './lookups.js';
import { windowCounter } from './rate-limit.js';

const TESTS_PER_HOUR = 3;

export function digestRouter(deps: AppDeps, lookups: LookupCache): Router {
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
    const calls = await digestCalls(deps.db, locationId, now);
    const email = digestEmail({ businessName: ctx.name, localDate: localParts(now, timeZone).date, timeZone, calls });
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
