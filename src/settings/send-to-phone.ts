/**
 * `POST /api/test-call/send-to-phone`: "send this text to my phone" from the test call. The admin types their
 * mobile number and gets one text of the dry run, rendered by the server exactly as the dry run shows it, sent
 * through GHL as the engine sends (src/followup/step-send.ts). The number is a contact of the location: found by
 * phone (GHL's duplicate search), created only when none has it, never upserted (an upsert replaces its tags,
 * docs/ghl-api-calls.md §1). A number on Do Not Disturb for texts in GHL, or that opted out of Ringback's texts,
 * gets nothing. Admins only, a few an hour per location.
 */
import { Router } from 'express';
import { z } from 'zod';
import { normalizePhone } from '../core/area-codes.js';
import { isActive } from '../core/decide.js';
import { AppError } from '../errors.js';
import { send } from '../followup/step-send.js';
import type { GhlDeps } from '../ghl/deps.js';
import { formatPhone } from '../reporting/words.js';
import { requireAdmin } from '../session/auth.js';
import { windowCounter } from '../session/rate-limit.js';
import type { LookupCache } from './lookups.js';
import { planTestCall, TestCallBody } from './test-call.js';

export const TEXTS_PER_HOUR = 5;
/** The tag a contact Ringback creates for the owner's number carries, so it is recognisable in GHL. */
export const TEST_TAG = 'Ringback Test';

const Body = TestCallBody.extend({
  /** The owner's mobile, as typed. */
  to: z.string().trim().min(1, 'type your mobile number').max(30),
  /** The dry run's text step to send. */
  stepId: z.string().trim().min(1).max(100),
});

export function sendToPhoneRouter(deps: GhlDeps, lookups: LookupCache): Router {
  const r = Router();
  const limit = windowCounter(deps.clock, {
    max: TEXTS_PER_HOUR,
    windowMs: 60 * 60_000,
    message: `at most ${TEXTS_PER_HOUR} test texts an hour for this sub-account; wait a little`,
  });

  r.post('/api/test-call/send-to-phone', async (req, res) => {
    const session = requireAdmin(req);
    const { locationId } = session;
    const body = Body.parse(req.body ?? {});
    const to = normalizePhone(body.to);
    if (!to) {
      throw new AppError(400, 'BAD_REQUEST', 'to must be a mobile number, such as (212) 555-0187', {
        details: [{ path: 'to', message: 'must be a mobile number, such as (212) 555-0187' }],
      });
    }
    const { to: _to, stepId, ...call } = body;
    const plan = await planTestCall(deps, lookups, locationId, call);
    const rendered = plan.steps.find((s) => s.id === stepId)?.rendered;
    if (rendered?.action !== 'sms') {
      throw new AppError(400, 'BAD_REQUEST', 'stepId must name a text of this test call', {
        details: [{ path: 'stepId', message: 'must name a text of this test call' }],
      });
    }
    const ghl = deps.ghl;
    if (!ghl) throw new AppError(503, 'GHL_UNAVAILABLE', 'HighLevel cannot be reached from here; try again later');
    limit(locationId);
    try {
      const { users } = await lookups.get(locationId);
      const name = users?.find((u) => u.id === session.userId)?.name ?? 'Ringback test';
      const found = await ghl.findContactByPhone(locationId, to);
      const contactId = found?.id ?? (await ghl.createContact(locationId, { phone: to, name, tags: [TEST_TAG] })).id;
      const contact = await ghl.getContact(locationId, contactId);
      if (contact.dnd || isActive(contact.dndSettings?.SMS)) {
        throw new AppError(
          409,
          'DO_NOT_DISTURB',
          `${formatPhone(to)} is on Do Not Disturb for texts in HighLevel: turn it off on that contact to get test texts`,
        );
      }
      const flags = await deps.db
        .selectFrom('contact_flags')
        .select('sms_opted_out_at')
        .where('location_id', '=', locationId)
        .where('contact_id', '=', contactId)
        .executeTakeFirst();
      if (flags?.sms_opted_out_at) {
        throw new AppError(
          409,
          'OPTED_OUT',
          `${formatPhone(to)} opted out of texts from this business: Ringback sends it nothing`,
        );
      }
      const sent = await send(ghl, locationId, contactId, rendered);
      deps.logger.info({ locationId, userId: session.userId, stepId }, 'test text sent to the admin');
      res.json({ to: formatPhone(to), messageId: sent.id, senderRefused: sent.senderRefused ?? null });
    } catch (err) {
      if (err instanceof AppError) throw err;
      deps.logger.warn({ err, locationId }, 'test text failed');
      throw new AppError(502, 'GHL_ERROR', 'HighLevel did not take the text; try again in a moment', { cause: err });
    }
  });

  return r;
}
