// Recent missed calls with an expandable timeline of what Ringback did for each.
import { api } from './api.js';
import { shortDuration } from './durations.js';
import { h, replace, uid } from './dom.js';
import { failedCard } from './status.js';
import { userName } from './state.js';

const OUTCOMES = { recovered: 'badge-green', lost: 'badge-red', suppressed: 'badge-amber' };

// Times read in the location's time zone (the dashboard's days are its days), whatever the viewer's computer says.
let timeZone;

function when(iso) {
  return new Date(iso).toLocaleString(undefined, {
    timeZone,
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  });
}

function entryText(e) {
  if (e.type === 'step') {
    const parts = [`${e.action} “${e.stepId}”: ${e.state}`];
    if (e.reason) parts.push(`(${e.reason})`);
    return parts.join(' ');
  }
  // Events that carry their own sentence (holds, retries, opt-outs) say it as written for the owner.
  if (e.detail && typeof e.detail.text === 'string') {
    const until = typeof e.detail.until === 'string' ? ` Next try: ${when(e.detail.until)}.` : '';
    return `${e.detail.text}${until}${e.stepId ? ` (${e.stepId})` : ''}`;
  }
  const detail =
    e.detail && typeof e.detail === 'object'
      ? Object.entries(e.detail)
          .filter(([, v]) => typeof v !== 'object')
          .map(([k, v]) => `${k}: ${v}`)
          .join(', ')
      : '';
  return `${e.kind.replaceAll('_', ' ')}${e.stepId ? ` (${e.stepId})` : ''}${detail ? ` – ${detail}` : ''}`;
}

function timeline(call) {
  const run = call.run;
  return h(
    'div',
    { class: 'stack' },
    h(
      'p',
      { class: 'hint' },
      `Run #${run.id} · ${run.missedConnections} missed connection(s)`,
      run.assignedUserId ? ` · assigned to ${userName(run.assignedUserId)}` : '',
      run.escalated ? ' · escalated to the manager' : '',
      ` · first follow-up ${shortDuration(run.timeToFirstFollowupSeconds)} · first human contact ${shortDuration(run.timeToFirstHumanContactSeconds)}`,
    ),
    call.voicemailUrl
      ? h(
          'p',
          {},
          h('a', { href: call.voicemailUrl, target: '_blank', rel: 'noopener noreferrer' }, 'Voicemail / recording'),
        )
      : null,
    call.timeline.length === 0
      ? h('p', { class: 'muted' }, 'Nothing has happened for this call yet.')
      : h(
          'ol',
          { class: 'timeline' },
          call.timeline.map((e) =>
            h(
              'li',
              {},
              h('div', { class: 'when' }, when(e.at)),
              h('div', { class: e.type === 'step' && e.state === 'failed' ? 'error' : '' }, entryText(e)),
              e.type === 'step' && e.summary ? h('div', { class: 'hint' }, e.summary) : null,
            ),
          ),
        ),
  );
}

function callRow(call) {
  const panelId = uid('call');
  const run = call.run;
  const outcome = run.outcome ?? (run.status === 'active' ? 'in progress' : 'ended');
  const panel = h('div', { id: panelId, hidden: true }, timeline(call));
  const button = h(
    'button',
    { type: 'button', class: 'call-head', 'aria-expanded': 'false', 'aria-controls': panelId },
    h('span', {}, when(call.calledAt)),
    h(
      'span',
      {},
      h('strong', {}, call.callerNumber ?? call.contactId),
      ' ',
      h('span', { class: 'muted' }, call.sourceTag ?? call.trackingNumber ?? ''),
      call.highValue ? h('span', { class: 'badge badge-blue' }, ' High value') : null,
    ),
    h(
      'span',
      {},
      h('span', { class: `badge ${OUTCOMES[run.outcome] ?? ''}` }, outcome),
      run.outcomeReason ? h('div', { class: 'hint' }, run.outcomeReason) : null,
    ),
    h('span', { class: 'hint' }, `1st follow-up ${shortDuration(run.timeToFirstFollowupSeconds)}`),
    h('span', { 'aria-hidden': 'true' }, '▸'),
  );
  button.addEventListener('click', () => {
    const open = button.getAttribute('aria-expanded') === 'true';
    button.setAttribute('aria-expanded', String(!open));
    panel.hidden = open;
  });
  return h('div', { class: 'call', dataset: { callId: String(call.id) } }, button, panel);
}

/** The call log card; "Load more" follows the API's cursor; a failed load says so in the card, with a retry. */
export function callLog(zone) {
  timeZone = zone;
  const list = h('div', {});
  const more = h('button', { type: 'button', class: 'btn btn-secondary mt', hidden: true }, 'Load more');
  let cursor = null;
  const problem = h('div', {});
  async function page() {
    more.disabled = true;
    replace(problem);
    let data;
    try {
      ({ data } = await api('GET', `/api/calls?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`));
    } catch (err) {
      replace(problem, failedCard('The calls', err, page));
      more.disabled = false;
      return;
    }
    if (data.calls.length === 0 && !cursor) list.append(h('p', { class: 'muted' }, 'No missed calls yet.'));
    list.append(...data.calls.map(callRow));
    cursor = data.nextCursor;
    more.hidden = !cursor;
    more.disabled = false;
  }
  more.addEventListener('click', page);
  const card = h(
    'section',
    { class: 'card', id: 'dash-calls', 'aria-labelledby': 'dash-calls-title' },
    h(
      'header',
      {},
      h(
        'div',
        {},
        h('h2', { id: 'dash-calls-title' }, 'Recent missed calls'),
        h('p', {}, 'Open a call to see everything Ringback did.'),
      ),
    ),
    list,
    problem,
    more,
  );
  return { card, load: page };
}
