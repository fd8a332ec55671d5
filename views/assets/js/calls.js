// The call log, like a call tracker's: one row per lead (a caller's repeat calls grouped under it), named and
// with a formatted number, linked to the contact and conversation in GHL, the outcome in words, a plain-English
// timeline, filters and a CSV export (call-filters.js).
import { api } from './api.js';
import { callFilters } from './call-filters.js';
import { h, replace, uid } from './dom.js';
import { shortDuration } from '/app/core/duration.js';
import { narrate } from './narrate.js';
import { failedCard } from './status.js';
import { clock, when } from './zone.js';

const OUTCOMES = { recovered: 'badge-green', lost: 'badge-red', suppressed: 'badge-amber' };

function panelOf(lead, zone) {
  const first = lead.calls[lead.calls.length - 1];
  const lines = narrate(first, zone);
  return h(
    'div',
    { class: 'stack lead-detail' },
    h(
      'p',
      { class: 'row' },
      h('a', { href: first.contactUrl, target: '_blank', rel: 'noopener noreferrer' }, 'Open the contact in GHL'),
      first.conversationUrl && first.conversationUrl !== first.contactUrl
        ? h('a', { href: first.conversationUrl, target: '_blank', rel: 'noopener noreferrer' }, 'Open the conversation')
        : null,
      first.voicemailUrl
        ? h('a', { href: first.voicemailUrl, target: '_blank', rel: 'noopener noreferrer' }, 'Voicemail')
        : null,
    ),
    lines.length === 0
      ? h('p', { class: 'muted' }, 'Nothing has happened for this call yet.')
      : h(
          'ol',
          { class: 'timeline' },
          lines.map((l) =>
            h(
              'li',
              {},
              h('span', { class: 'when' }, clock(l.at, zone)),
              ' · ',
              h('span', { class: l.failed ? 'error' : '' }, l.text),
            ),
          ),
        ),
  );
}

function leadRow(lead, zone) {
  const panelId = uid('lead');
  const call = lead.calls[0];
  const run = call.run;
  const panel = h('div', { id: panelId, hidden: true });
  const who = call.contactName ?? call.callerDisplay ?? 'Unknown caller';
  const times = lead.calls.length;
  const button = h(
    'button',
    { type: 'button', class: 'call-head', 'aria-expanded': 'false', 'aria-controls': panelId },
    h('span', { class: 'call-when' }, when(call.calledAt, zone)),
    h(
      'span',
      { class: 'call-who' },
      h('strong', {}, who),
      call.contactName && call.callerDisplay ? h('span', { class: 'muted' }, ` ${call.callerDisplay}`) : null,
      h(
        'span',
        { class: 'hint call-source' },
        ` ${call.sourceTag ?? 'No tracking number'}${times > 1 ? ` · called ${times} times` : ''}`,
      ),
      call.highValue || run.highValue ? h('span', { class: 'badge badge-blue' }, 'High value') : null,
    ),
    h(
      'span',
      { class: 'call-outcome' },
      h('span', { class: `badge ${OUTCOMES[run.outcome] ?? ''}` }, call.outcomeText),
    ),
    h('span', { class: 'hint' }, `First follow-up ${shortDuration(run.timeToFirstFollowupSeconds, '–')}`),
    h('span', { 'aria-hidden': 'true' }, '▸'),
  );
  button.addEventListener('click', () => {
    const open = button.getAttribute('aria-expanded') === 'true';
    button.setAttribute('aria-expanded', String(!open));
    if (!open) replace(panel, panelOf(lead, zone));
    panel.hidden = open;
  });
  return h('div', { class: 'call', dataset: { runId: String(run.id) } }, button, panel);
}

/**
 * The call log card; "Load more" follows the API's cursor; the filters start the list again; a failed load says
 * so in the card, with a retry.
 */
export function callLog(zone) {
  const list = h('div', { id: 'calls-list' });
  const more = h('button', { type: 'button', class: 'btn btn-secondary mt', hidden: true }, 'Load more');
  const problem = h('div', {});
  const summary = h('p', { class: 'hint', id: 'calls-summary', 'aria-live': 'polite' });
  let leads = new Map();
  let cursor = null;
  let filter = new URLSearchParams();
  // A slow answer for filters since changed is dropped: only the latest request fills the list.
  let generation = 0;
  async function page() {
    const mine = generation;
    more.disabled = true;
    replace(problem);
    const q = new URLSearchParams(filter);
    q.set('limit', '20');
    if (cursor) q.set('cursor', cursor);
    let data;
    try {
      ({ data } = await api('GET', `/api/calls?${q}`));
    } catch (err) {
      if (mine !== generation) return;
      replace(problem, failedCard('The calls', err, page));
      more.disabled = false;
      return;
    }
    if (mine !== generation) return;
    const filtered = [...filter.keys()].length > 0;
    if (data.calls.length === 0 && !cursor) {
      list.append(
        h('p', { class: 'muted' }, filtered ? 'No missed calls match these filters.' : 'No missed calls yet.'),
      );
    }
    // A lead's calls arrive newest first, maybe across pages: each joins its lead's row.
    for (const call of data.calls) {
      const lead = leads.get(call.run.id);
      if (lead) {
        lead.calls.push(call);
        const row = leadRow(lead, zone);
        lead.row.replaceWith(row);
        lead.row = row;
      } else {
        const fresh = { calls: [call], row: null };
        fresh.row = leadRow(fresh, zone);
        leads.set(call.run.id, fresh);
        list.append(fresh.row);
      }
    }
    cursor = data.nextCursor;
    more.hidden = !cursor;
    more.disabled = false;
    const shown = leads.size;
    summary.textContent = filtered
      ? `${shown} ${shown === 1 ? 'caller matches' : 'callers match'}${cursor ? ' so far' : ''}.`
      : '';
  }
  more.addEventListener('click', page);
  const filters = callFilters(zone, (next) => {
    generation += 1;
    filter = next;
    leads = new Map();
    cursor = null;
    replace(list);
    more.hidden = true;
    return page();
  });
  const card = h(
    'section',
    { class: 'card', id: 'dash-calls', 'aria-labelledby': 'dash-calls-title' },
    h(
      'header',
      {},
      h(
        'div',
        {},
        h('h2', { id: 'dash-calls-title' }, 'Missed calls'),
        h('p', {}, 'One row per caller, newest first; open one to see everything that happened.'),
      ),
    ),
    filters.node,
    summary,
    list,
    problem,
    more,
  );
  return { card, load: page };
}
