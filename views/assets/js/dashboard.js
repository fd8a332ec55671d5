// The dashboard tab: outcomes over 7 or 30 days, missed vs recovered per day, per source, recent calls.
import { api } from './api.js';
import { recentCalls } from './calls.js';
import { dayChart } from './chart.js';
import { shortDuration } from './durations.js';
import { byId, h, replace } from './dom.js';
import { revenueFigures, sourceWorth, voiceAiFigures } from './revenue.js';

let days = 7;

function pct(value) {
  return value === null || value === undefined ? '–' : `${value}%`;
}

function kpi(label, value, sub, key) {
  return h(
    'div',
    { class: 'kpi', dataset: { kpi: key } },
    h('div', { class: 'label' }, label),
    h('div', { class: 'value' }, value),
    h('div', { class: 'sub' }, sub),
  );
}

function statsView(s) {
  const t = s.timeToFirstFollowupSeconds;
  return [
    h(
      'div',
      { class: 'kpis', id: 'dash-kpis' },
      kpi('Missed calls', String(s.missedCalls), `${s.runs} lead${s.runs === 1 ? '' : 's'} followed up`, 'missed'),
      kpi('Recovered', pct(s.recoveredPct), `${s.recovered} of ${s.runs} leads`, 'recovered'),
      kpi('Median first follow-up', shortDuration(t.p50), `90% within ${shortDuration(t.p90)}`, 'ttf'),
      kpi('Booked', pct(s.bookedPct), `${s.booked} appointment${s.booked === 1 ? '' : 's'}`, 'booked'),
      kpi(
        'Median first human contact',
        shortDuration(s.timeToFirstHumanContactSeconds.p50),
        'a rep reached them',
        'human',
      ),
      kpi('Revenue recovered', revenueFigures(s.revenue).value, revenueFigures(s.revenue).sub, 'revenue'),
      voiceAiFigures(s.voiceAi) &&
        kpi('Handled by Voice AI', voiceAiFigures(s.voiceAi).value, voiceAiFigures(s.voiceAi).sub, 'voice-ai'),
    ),
    h(
      'section',
      { class: 'card chart', id: 'dash-chart', 'aria-labelledby': 'dash-chart-title' },
      h(
        'header',
        {},
        h(
          'div',
          {},
          h('h2', { id: 'dash-chart-title' }, 'Missed vs recovered per day'),
          h('p', {}, `Days in ${s.timeZone}.`),
        ),
      ),
      dayChart(s.perDay),
      h(
        'div',
        { class: 'legend-row' },
        h('span', {}, h('span', { class: 'swatch swatch-missed' }), 'Missed calls'),
        h('span', {}, h('span', { class: 'swatch swatch-recovered' }), 'Recovered leads'),
      ),
    ),
    h(
      'div',
      { class: 'grid-2' },
      h(
        'section',
        { class: 'card', id: 'dash-sources', 'aria-labelledby': 'dash-sources-title' },
        h('header', {}, h('h2', { id: 'dash-sources-title' }, 'By source')),
        s.perSource.length === 0
          ? h('p', { class: 'muted' }, 'No calls in this period.')
          : h(
              'table',
              {},
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  h('th', { scope: 'col' }, 'Source'),
                  h('th', { scope: 'col', class: 'num' }, 'Missed'),
                  h('th', { scope: 'col', class: 'num' }, 'Recovered'),
                  h('th', { scope: 'col', class: 'num' }, 'Worth'),
                ),
              ),
              h(
                'tbody',
                {},
                s.perSource.map((p) =>
                  h(
                    'tr',
                    {},
                    h('td', {}, p.source ?? 'No source'),
                    h('td', { class: 'num' }, String(p.missedCalls)),
                    h('td', { class: 'num' }, `${p.recovered} (${pct(p.recoveredPct)})`),
                    h('td', { class: 'num' }, sourceWorth(s.revenue, p.source)),
                  ),
                ),
              ),
            ),
      ),
      h(
        'section',
        { class: 'card', id: 'dash-suppressed', 'aria-labelledby': 'dash-suppressed-title' },
        h(
          'header',
          {},
          h(
            'div',
            {},
            h('h2', { id: 'dash-suppressed-title' }, 'Suppressed'),
            h('p', {}, 'Calls Ringback was not allowed to follow up.'),
          ),
        ),
        s.suppressed.length === 0
          ? h('p', { class: 'muted' }, 'None in this period.')
          : h(
              'table',
              {},
              h(
                'thead',
                {},
                h('tr', {}, h('th', { scope: 'col' }, 'Reason'), h('th', { scope: 'col', class: 'num' }, 'Leads')),
              ),
              h(
                'tbody',
                {},
                s.suppressed.map((r) => h('tr', {}, h('td', {}, r.reason), h('td', { class: 'num' }, String(r.count)))),
              ),
            ),
      ),
    ),
  ];
}

/** Loads and shows the numbers; returns the location's time zone (undefined when they could not load). */
async function loadStats(target) {
  replace(target, h('p', { class: 'muted' }, 'Loading…'));
  try {
    const { data } = await api('GET', `/api/stats?days=${days}`);
    replace(target, statsView(data));
    return data.timeZone;
  } catch (err) {
    replace(target, h('p', { class: 'banner banner-error' }, `Could not load the numbers: ${err.message}`));
    return undefined;
  }
}

export async function renderDashboard() {
  const panel = byId('tab-dashboard');
  const stats = h('div', { id: 'dash-stats' });
  const buttons = [7, 30].map((n) =>
    h(
      'button',
      { type: 'button', class: 'tab', 'aria-pressed': String(n === days), dataset: { days: String(n) } },
      `Last ${n} days`,
    ),
  );
  for (const b of buttons) {
    b.addEventListener('click', () => {
      days = Number(b.dataset.days);
      for (const other of buttons) other.setAttribute('aria-pressed', String(other === b));
      loadStats(stats);
    });
  }
  const callsSlot = h('div', {});
  replace(
    panel,
    h(
      'div',
      { class: 'spread', id: 'dash-period' },
      h('h2', {}, 'How missed calls are being recovered'),
      h('div', { class: 'tabs', role: 'group', 'aria-label': 'Period' }, buttons),
    ),
    h('div', { class: 'mt' }, stats),
    callsSlot,
  );
  const calls = recentCalls(await loadStats(stats));
  replace(callsSlot, calls.card);
  await calls.load();
}
