/** `POST /api/test-call` (dry run of a missed call) and `POST /api/preview` (one template, rendered live). */
import { Router } from 'express';
import { peekRep } from '../followup/round-robin.js';
import { z } from 'zod';
import type { GhlDeps } from '../ghl/deps.js';
import {
  findTemplateVariables,
  hasUnbalancedBraces,
  renderTemplate,
  smsSegments,
  unknownVariables,
} from '../core/templates.js';
import { localToInstant, resolveRecipientTimezone } from '../core/timezone.js';
import { lineOf } from '../core/attribution.js';
import { businessAddress } from '../installations/location-profile.js';
import { recordTestCall } from '../reporting/test-calls.js';
import { sessionOf } from '../session/auth.js';
import { type DryRun, dryRun } from './dry-run.js';
import { findInstalledLocation } from '../session/locations.js';
import type { LookupCache } from './lookups.js';
import { defaultSettings } from '../core/settings/schema.js';
import { loadSettings } from './store.js';

/** The engine keeps one round-robin pointer per location and pool; the dry run reads this pool's. */

const text = (max: number) => z.string().trim().max(max);

export const TestCallBody = z.strictObject({
  contact: z
    .strictObject({
      firstName: text(100).default('Jane'),
      lastName: text(100).default('Cooper'),
      phone: text(30).default('+12125550123'),
      state: text(50).nullish(),
      timezone: text(64).nullish(),
      tags: z.array(text(100)).max(50).default([]),
      dnd: z.boolean().default(false),
    })
    .default({ firstName: 'Jane', lastName: 'Cooper', phone: '+12125550123', tags: [], dnd: false }),
  trackingNumber: text(30).nullish(),
  at: z.iso.datetime({ offset: true }).optional(),
  /** The call's time on the recipient's wall clock, `YYYY-MM-DDTHH:MM`. */
  atLocal: z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d$/, 'must be a local date and time such as 2026-01-05T23:00')
    .optional(),
});

const PreviewBody = z.strictObject({
  text: z.string().max(100_000),
  html: z.boolean().default(false),
  values: z
    .strictObject({ bookingLink: text(2000).optional(), source: text(100).optional(), repName: text(200).optional() })
    .default({}),
});

export function testCallRouter(deps: GhlDeps, lookups: LookupCache): Router {
  const r = Router();

  r.post('/api/test-call', async (req, res) => {
    const { locationId } = sessionOf(req);
    const body = TestCallBody.parse(req.body ?? {});
    const result = await planTestCall(deps, lookups, locationId, body);
    // The setup checker asks for a test call in the last 30 days (src/reporting/setup-check.ts).
    await recordTestCall(deps.db, locationId, deps.clock.now());
    res.json(result);
  });

  r.post('/api/preview', async (req, res) => {
    const { locationId } = sessionOf(req);
    const body = PreviewBody.parse(req.body ?? {});
    const location = await findInstalledLocation(deps.db, locationId);
    const vars = {
      'contact.firstName': 'Jane',
      'contact.name': 'Jane Cooper',
      bookingLink: body.values.bookingLink,
      source: body.values.source,
      'business.name': location?.name,
      'rep.name': body.values.repName,
    };
    const rendered = renderTemplate(body.text, vars, { html: body.html });
    res.json({
      rendered,
      // What a reader of the email sees, so the page can show it without parsing HTML.
      text: body.html ? htmlToText(rendered) : rendered,
      segments: body.html ? null : smsSegments(rendered),
      variables: findTemplateVariables(body.text),
      unknownVariables: unknownVariables(body.text),
      unbalancedBraces: hasUnbalancedBraces(body.text),
    });
  });

  return r;
}

/** The dry run of a test call, as `POST /api/test-call` answers it (and "send this text to my phone" reads it). */
export async function planTestCall(
  deps: GhlDeps,
  lookups: LookupCache,
  locationId: string,
  body: z.infer<typeof TestCallBody>,
): Promise<DryRun> {
  const [stored, location, found, address] = await Promise.all([
    loadSettings(deps.db, locationId),
    findInstalledLocation(deps.db, locationId),
    lookups.get(locationId),
    businessAddress(deps.db, locationId),
  ]);
  const settings = stored?.settings ?? defaultSettings();
  const contact = { ...body.contact, state: body.contact.state ?? null, timezone: body.contact.timezone ?? null };
  // Left out: the first source's line. Named null or "": a number no source maps (the page's "an unmapped
  // number"), which the engine treats as untracked, so the dry run must too.
  const trackingNumber =
    body.trackingNumber === undefined ? (settings.sources[0]?.trackingNumber ?? null) : body.trackingNumber || null;
  const { source } = lineOf(settings, trackingNumber);
  const next = await peekRep(deps.db, {
    locationId,
    settings,
    source,
    contactTags: contact.tags,
    sourceTag: source?.tag ?? null,
  });
  const locationInfo = { name: location?.name ?? null, timezone: location?.timezone ?? null, address };
  let at = body.at ? new Date(body.at) : deps.clock.now();
  if (body.atLocal) {
    const { timeZone } = resolveRecipientTimezone({
      settingsTimezone: settings.timezone,
      contact,
      locationTimezone: locationInfo.timezone,
    });
    const [date = '', clock = '00:00'] = body.atLocal.split('T');
    const [h = 0, m = 0] = clock.split(':').map(Number);
    at = localToInstant(date, h * 60 + m, timeZone);
  }
  return dryRun({
    settings,
    contact,
    trackingNumber,
    at,
    location: locationInfo,
    userNames: new Map((found.users ?? []).map((u) => [u.id, u.name])),
    assignment: next,
  });
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", nbsp: ' ' };

/** Rough text of an email body: line breaks for block ends, tags dropped, the common entities decoded. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(br|hr)\b[^>]*>/gi, '\n')
    .replace(/<\/(p|div|h[1-6]|li|tr)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&(amp|lt|gt|quot|#39|nbsp);/g, (_m, name: string) => ENTITIES[name] ?? '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
