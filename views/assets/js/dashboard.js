// The dashboard tab: headline figures over 7 or 30 days beside the period before, missed vs recovered per day,
// per source, and the call log. Every card that cannot load says so, with a way to try again.
import { api } from './api.js';
import { callLog } from './calls.js';
import { dayChart } from './chart.js';
import { debounce, h, replace, byId } from './dom.js';
import { FIGURES } from './figures.js';
import { sourceWorth } from './revenue.js';
import { setupCard } from './setup.js';
import { failedCard } from './status.js';
import { dayLabel, placeOf } from './zone.js';

let days = 7;

function figureCard(f, s) {
  return h(
    'div',
    { class: 'kpi', dataset: { kpi: f.key } },
    h('div', { class: 'label' }, f.label),
    h('div', { class: 'value' }, f.value(s)),
    h('div', { class: 'sub basis' }, f.basis(s)),
    h('div', { class: 'sub previous' }, `Previous ${s.days} days: ${f.value(s.previous)} · ${f.basis(s.previous)}`),
  );
}

/** A table that turns into one labelled block per row under 640 px (each cell carries its column's name). */
function table(columns, rows) {
  return h(
    'table',
    { class: 'stacking' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((row) =>
        h(
          'tr',
          {},
          columns.map((c, i) => h('td', { class: c.num ? 'num' : null, 'data-label': c.label }, row[i])),
        ),
      ),
    ),
  );
}

const pct = (v) => (v === null ? '–' : `${v}%`);

// The chart on screen redraws itself when the window changes width (one listener for the page's life).
let redraw = null;
window.addEventListener(
  'resize',
  debounce(() => redraw?.(), 150),
);

function chartCard(s) {
  const slot = h('div', { class: 'chart-slot' });
  const draw = () => replace(slot, dayChart(s.perDay, slot.clientWidth || 900));
  // Drawn once it is on the page, where its width is known.
  redraw = draw;
  requestAnimationFrame(draw);
  const first = s.perDay[0]?.day;
  const last = s.perDay[s.perDay.length - 1]?.day;
  return h(
    'section',
    { class: 'card chart', id: 'dash-chart', 'aria-labelledby': 'dash-chart-title' },
    h(
      'header',
      {},
      h(
        'div',
        {},
        h('h2', { id: 'dash-chart-title' }, 'Missed calls and recovered callers per day'),
        h(
          'p',
          { id: 'dash-chart-zone' },
          `${first ? `${dayLabel(first)} – ${dayLabel(last)}, ` : ''}days in ${placeOf(s.timeZone)}.`,
        ),
      ),
    ),
    slot,
    h(
      'div',
      { class: 'legend-row' },
      h('span', {}, h('span', { class: 'swatch swatch-missed' }), 'Missed calls'),
      h(
        'span',
        {},
        h('span', { class: 'swatch swatch-recovered' }),
        'Recovered callers (by the day they first called)',
      ),
    ),
  );
}

function statsView(s) {
  return [
    h(
      'div',
      { class: 'kpis', id: 'dash-kpis' },
      FIGURES.filter((f) => !f.shown || f.shown(s)).map((f) => figureCard(f, s)),
    ),
    chartCard(s),
    h(
      'div',
      { class: 'grid-2' },
      h(
        'section',
        { class: 'card', id: 'dash-sources', 'aria-labelledby': 'dash-sources-title' },
        h(
          'header',
          {},
          h('div', {}, h('h2', { id: 'dash-sources-title' }, 'By source'), h('p', {}, 'Recovered: of the callers.')),
        ),
        s.perSource.length === 0
          ? h('p', { class: 'muted' }, 'No calls in this period.')
          : table(
              [
                { label: 'Source' },
                { label: 'Missed calls', num: true },
                { label: 'Recovered', num: true },
                { label: 'Worth', num: true },
              ],
              s.perSource.map((p) => [
                p.source ?? 'No tracking number',
                String(p.missedCalls),
                `${p.recovered} of ${p.runs} (${pct(p.recoveredPct)})`,
                sourceWorth(s.revenue, p.source),
              ]),
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
            h('h2', { id: 'dash-suppressed-title' }, 'Not followed up'),
            h('p', {}, 'Callers Ringback was not allowed to contact, and why.'),
          ),
        ),
        s.suppressed.length === 0
          ? h('p', { class: 'muted' }, 'None in this period.')
          : table(
              [{ label: 'Why' }, { label: 'Callers', num: true }],
              s.suppressed.map((r) => [r.label ?? r.reason, String(r.count)]),
            ),
      ),
    ),
  ];
}

/** Loads and shows the numbers; returns them (null when they could not load, and the card says so). */
async function loadStats(target) {
  replace(target, h('p', { class: 'muted' }, 'Loading…'));
  try {
    const { data } = await api('GET', `/api/stats?days=${days}`);
    replace(target, statsView(data));
    return data;
  } catch (err) {
    replace(
      target,
      failedCard('The numbers', err, () => loadStats(target)),
    );
    return null;
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
  const setupSlot = h('div', {});
  replace(
    panel,
    setupSlot,
    h(
      'div',
      { class: 'spread', id: 'dash-period' },
      h('h2', {}, 'How missed calls are being recovered'),
      h('div', { class: 'tabs', role: 'group', 'aria-label': 'Period' }, buttons),
    ),
    h('div', { class: 'mt' }, stats),
    callsSlot,
  );
  const data = await loadStats(stats);
  // No calls at all yet: the checklist is what the owner needs to see first.
  const empty = data !== null && data.missedCalls === 0 && data.previous.missedCalls === 0;
  const setup = setupCard(empty);
  replace(setupSlot, setup.card);
  const log = callLog(data?.timeZone);
  replace(callsSlot, log.card);
  await Promise.all([setup.load(), log.load()]);
}
