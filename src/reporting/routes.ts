/** `GET /api/calls` (and its CSV export) and `GET /api/stats`: the session's location only. */
import { Router } from 'express';
import type { Deps } from '../deps.js';
import { AppError } from '../errors.js';
import { sessionOf } from '../session/auth.js';
import { parseCallFilters } from './call-filters.js';
import { decodeCursor, listCalls } from './calls.js';
import { writeCallsCsv } from './calls-csv.js';
import { computeRevenue } from './revenue.js';
import { setupReport } from './setup-facts.js';
import { computeStats, locationTimezone } from './stats.js';
import { computeVoiceAiStats } from './voice-ai-stats.js';

export function reportingRouter(
  deps: Deps,
  lookups?: {
    get(
      locationId: string,
    ): Promise<{ numbers: { phoneNumber: string }[] | null; users: { id: string; name: string }[] | null }>;
  },
): Router {
  const r = Router();
  r.get('/api/setup-check', async (req, res) => {
    const { locationId } = sessionOf(req);
    // The page's lookups cache already holds the numbers (GHL allows 100 requests per 10 s per location).
    const numbers = lookups ? ((await lookups.get(locationId)).numbers?.map((n) => n.phoneNumber) ?? null) : undefined;
    res.json(await setupReport({ ...deps, probe: deps.linkProbe }, locationId, { numbers }));
  });

  r.get('/api/calls', async (req, res) => {
    const { locationId } = sessionOf(req);
    const filters = parseCallFilters(req.query, ['limit', 'cursor']);
    const limit = intParam(req.query['limit'], 'limit', { min: 1, max: 100, fallback: 20 });
    const rawCursor: unknown = req.query['cursor'];
    if (rawCursor !== undefined && (typeof rawCursor !== 'string' || rawCursor.length > 100)) {
      throw new AppError(400, 'BAD_REQUEST', 'cursor is not one this API gave out');
    }
    const cursor = typeof rawCursor === 'string' && rawCursor !== '' ? decodeCursor(rawCursor) : null;
    const timeZone = await locationTimezone(deps.db, locationId);
    res.json(await listCalls(deps.db, locationId, { limit, cursor, filters, timeZone }));
  });

  // The same calls as a spreadsheet, streamed. The page downloads it with its bearer token (fetch, then a blob).
  r.get('/api/calls.csv', async (req, res) => {
    const { locationId } = sessionOf(req);
    const filters = parseCallFilters(req.query);
    const timeZone = await locationTimezone(deps.db, locationId);
    // Rep names from GHL's user list (cached a minute); without it the export still goes, naming no one.
    const users = lookups ? ((await lookups.get(locationId)).users ?? []) : [];
    const names = new Map(users.map((u) => [u.id, u.name]));
    const today = new Intl.DateTimeFormat('en-CA', { timeZone }).format(deps.clock.now());
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="missed-calls-${today}.csv"`);
    res.setHeader('cache-control', 'no-store');
    try {
      await writeCallsCsv(deps.db, res, { locationId, filters, timeZone, repName: (id) => names.get(id) ?? null });
      res.end();
    } catch (err) {
      // Past the header a JSON error cannot be sent: cut the download so it is not mistaken for a whole file.
      deps.logger.error({ err, locationId }, 'calls CSV export failed');
      res.destroy();
    }
  });

  r.get('/api/stats', async (req, res) => {
    const { locationId } = sessionOf(req);
    const days = intParam(req.query['days'], 'days', { min: 1, max: 90, fallback: 7 });
    const timeZone = await locationTimezone(deps.db, locationId);
    const now = deps.clock.now();
    const stats = await computeStats(deps.db, { locationId, days, now, timeZone });
    // The same runs as `recovered` above, with what they were worth (revenue.ts).
    const revenue = await computeRevenue(deps.db, { locationId, since: new Date(stats.from), until: now });
    const voiceAi = await computeVoiceAiStats(deps.db, { locationId, since: new Date(stats.from), until: now });
    res.json({ ...stats, revenue, voiceAi });
  });

  return r;
}

function intParam(raw: unknown, name: string, opts: { min: number; max: number; fallback: number }): number {
  if (raw === undefined || raw === '') return opts.fallback;
  const value = typeof raw === 'string' && /^\d{1,4}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(value) || value < opts.min || value > opts.max) {
    throw new AppError(400, 'BAD_REQUEST', `${name} must be a whole number from ${opts.min} to ${opts.max}`, {
      details: [{ path: name, message: `must be a whole number from ${opts.min} to ${opts.max}` }],
    });
  }
  return value;
}
