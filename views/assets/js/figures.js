// The dashboard's headline figures. Each says what it counts over (its one denominator, on the card) and sits
// beside the same figure for the period before. To add a figure, add an entry: `value` and `basis` read one
// period of GET /api/stats (the current one, then `previous`), so the comparison comes for free.
import { shortDuration } from '/app/core/duration.js';
import { revenueFigures, voiceAiFigures } from './revenue.js';

const plural = (n, one, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const pct = (v) => (v === null || v === undefined ? '–' : `${v}%`);
const duration = (s) => shortDuration(s, '–');

export const FIGURES = [
  {
    key: 'missed',
    label: 'Missed calls',
    value: (p) => String(p.missedCalls),
    basis: (p) => `from ${plural(p.runs, 'caller')} (a caller who tries again counts once below)`,
  },
  {
    key: 'recovered',
    label: 'Recovered',
    value: (p) => pct(p.recoveredPct),
    basis: (p) => `${p.recovered} of ${plural(p.runs, 'caller')} came back within 72 h`,
  },
  {
    key: 'booked',
    label: 'Booked',
    value: (p) => pct(p.bookedPct),
    basis: (p) => `${p.booked} of ${plural(p.runs, 'caller')} booked an appointment`,
  },
  {
    key: 'ttf',
    label: 'Median first follow-up',
    value: (p) => duration(p.timeToFirstFollowupSeconds.p50),
    basis: (p) => `over ${plural(p.followedUp, 'caller')} followed up`,
  },
  {
    key: 'human',
    label: 'Median first human contact',
    value: (p) => duration(p.timeToFirstHumanContactSeconds.p50),
    basis: (p) => `over ${plural(p.reachedByRep, 'caller')} a rep reached`,
  },
  {
    key: 'revenue',
    label: 'Revenue recovered',
    // GET /api/stats gives revenue for the current period only: the period before says so rather than "$0".
    value: (p) => (p.revenue ? revenueFigures(p.revenue).value : '–'),
    basis: (p) => (p.revenue ? revenueFigures(p.revenue).sub : 'not counted for this period'),
  },
  {
    key: 'voice-ai',
    label: 'Handled by Voice AI',
    // Shown only where GHL's Voice AI answers calls (revenue.js says when).
    shown: (s) => Boolean(voiceAiFigures(s.voiceAi)),
    value: (p) => voiceAiFigures(p.voiceAi)?.value ?? '–',
    basis: (p) => voiceAiFigures(p.voiceAi)?.sub ?? 'not counted for this period',
  },
];
