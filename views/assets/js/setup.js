// The setup checklist (GET /api/setup-check): what still stands between this sub-account and every missed call
// followed up. The dashboard's empty state, and a folded card above the numbers while something is left to do.
import { api } from './api.js';
import { h, replace } from './dom.js';
import { failedCard } from './status.js';

const MARK = { ok: '✓', todo: '!', warn: '!', unknown: '?' };
const WORD = { ok: 'Done', todo: 'To do', warn: 'Check', unknown: 'Could not tell' };

function item(c) {
  return h(
    'li',
    { class: `check-item check-${c.state}`, dataset: { check: c.key, state: c.state } },
    h('span', { class: 'check-mark', 'aria-hidden': 'true' }, MARK[c.state]),
    h(
      'div',
      {},
      h('div', { class: 'check-title' }, h('strong', {}, c.title), ' ', h('span', { class: 'badge' }, WORD[c.state])),
      h('p', { class: 'hint' }, c.detail),
      c.fix && c.state !== 'ok' ? h('p', { class: 'hint check-fix' }, `Where: ${c.fix}`) : null,
    ),
  );
}

/**
 * The checklist card. `empty`: there are no calls yet, so the checklist is the dashboard's content and opens
 * unfolded; otherwise it shows only while something is left to do, folded.
 */
export function setupCard(empty) {
  const card = h('section', { class: 'card', id: 'dash-setup', 'aria-labelledby': 'dash-setup-title' });
  async function load() {
    replace(card, h('p', { class: 'muted' }, 'Checking the setup…'));
    let report;
    try {
      ({ data: report } = await api('GET', '/api/setup-check'));
    } catch (err) {
      replace(card, failedCard('The setup checklist', err, load));
      return;
    }
    const left = report.checks.filter((c) => c.state !== 'ok');
    if (!empty && report.ready && left.every((c) => c.state === 'unknown')) {
      card.hidden = true;
      return;
    }
    const list = h('ul', { class: 'checklist' }, report.checks.map(item));
    const title = empty ? 'No missed calls yet: get ready for the first one' : 'Finish setting up Ringback';
    const summary = `${report.done} of ${report.total} done`;
    replace(
      card,
      h(
        'header',
        {},
        h(
          'div',
          {},
          h('h2', { id: 'dash-setup-title' }, title),
          h(
            'p',
            {},
            empty
              ? `When a call is missed, it shows here. Meanwhile, ${summary}:`
              : `${summary}. Open the list to see what is left.`,
          ),
        ),
      ),
      empty ? list : h('details', {}, h('summary', {}, 'What is left'), list),
    );
  }
  return { card, load };
}
