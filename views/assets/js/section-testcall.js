// "Test call": a dry run of a missed call with the saved settings. Nothing is sent or stored, unless the admin
// asks for one of its texts on their own phone (send-to-phone.js).
import { api } from './api.js';
import { h, replace, uid } from './dom.js';
import { sendToPhoneBox } from './send-to-phone.js';
import { isDirty, state } from './state.js';
import { KIND_LABELS, stepName } from './steps.js';

const OUTCOME = {
  send: ['Would be sent', 'badge-green'],
  skip: ['Skipped', 'badge-amber'],
  stop: ['Stopped', 'badge-red'],
};
const VIA = {
  settings: 'the time zone setting',
  contact: 'the contact’s time zone',
  state: 'the contact’s state',
  'area-code': 'the phone’s area code',
  location: 'the sub-account’s time zone',
  fallback: 'the default (New York)',
};

function input(label, name, attrs = {}) {
  const id = uid('t');
  return h('div', { class: 'field' }, h('label', { for: id }, label), h('input', { id, name, type: 'text', ...attrs }));
}

/** "Mon 9:02 AM": a local time of the dry run (`YYYY-MM-DD HH:MM`) as the owner reads it. */
function when(local) {
  const [date = '', clock = ''] = local.split(' ');
  const [y, mo, d] = date.split('-').map(Number);
  const [hh = 0, mm = 0] = clock.split(':').map(Number);
  const day = new Date(Date.UTC(y, mo - 1, d)).toLocaleDateString('en-US', {
    weekday: 'short',
    month: 'short',
    day: 'numeric',
    timeZone: 'UTC',
  });
  return `${day}, ${((hh + 11) % 12) + 1}:${String(mm).padStart(2, '0')} ${hh < 12 ? 'AM' : 'PM'}`;
}

function stepRow(step) {
  const [label, badge] = OUTCOME[step.outcome] ?? [step.outcome, ''];
  const r = step.rendered;
  const text = r.action === 'sms' ? r.message : r.action === 'task' ? `Task: ${r.title}` : `Email: ${r.subject}`;
  const name = state.doc.sequence.some((s) => s.id === step.id)
    ? stepName(state.doc.sequence, step.id)
    : (KIND_LABELS[step.action] ?? step.action);
  return h(
    'tr',
    { dataset: { kind: step.action } },
    h('td', { 'data-label': 'Step' }, h('strong', {}, name)),
    h('td', { 'data-label': 'Outcome' }, h('span', { class: `badge ${badge}` }, label)),
    h(
      'td',
      { 'data-label': 'When' },
      step.sendAt
        ? [h('div', {}, when(step.sendAt.local)), h('div', { class: 'hint' }, place(step.sendAt.timeZone))]
        : '–',
    ),
    h(
      'td',
      { 'data-label': 'What' },
      h('div', { class: r.action === 'sms' ? 'preview bubble' : 'preview' }, text),
      step.segments
        ? h(
            'div',
            { class: 'hint' },
            `${step.segments.segments} segment(s), ${step.segments.encoding}${step.ownText ? ' · this source’s own text' : ''}`,
          )
        : null,
      step.ownText && r.action !== 'sms' ? h('div', { class: 'hint' }, 'This source’s own text') : null,
      step.due ? h('div', { class: 'hint' }, `Due ${when(step.due.local)}`) : null,
      step.note ? h('div', { class: 'hint' }, step.note) : null,
      step.guards.map((g) => h('div', { class: 'hint' }, `⚠ ${g.message}${g.until ? ` → ${g.until.local}` : ''}`)),
    ),
  );
}

/** "America/New_York" → "New York time". */
function place(timeZone) {
  return `${(timeZone.split('/').pop() ?? timeZone).replace(/_/g, ' ')} time`;
}

function showResult(out, result, call) {
  const w = result.recipient.window;
  replace(
    out,
    result.enabled
      ? null
      : h('p', { class: 'banner banner-warn' }, 'Ringback is switched off: this is what would happen once it is on.'),
    h(
      'dl',
      { class: 'grid mt' },
      h(
        'div',
        {},
        h('dt', { class: 'hint' }, 'Source matched'),
        h(
          'dd',
          {},
          result.source ? `${result.source.tag} (${result.source.trackingNumber})` : 'None: no source for that number',
        ),
      ),
      h('div', {}, h('dt', { class: 'hint' }, 'Tags applied'), h('dd', {}, result.tags.join(', '))),
      h(
        'div',
        {},
        h('dt', { class: 'hint' }, 'Callback assigned to'),
        h(
          'dd',
          {},
          result.assignee.name ? `${result.assignee.name} (by ${result.assignee.via})` : 'Nobody (unassigned)',
        ),
      ),
      h(
        'div',
        {},
        h('dt', { class: 'hint' }, 'Caller’s time zone'),
        h('dd', {}, `${place(result.recipient.timeZone)}, from ${VIA[result.recipient.via] ?? result.recipient.via}`),
      ),
      h(
        'div',
        {},
        h('dt', { class: 'hint' }, 'Send window that day'),
        h(
          'dd',
          {},
          w ? `${w.start}–${w.end}${result.recipient.state ? ` (${result.recipient.state} rules)` : ''}` : 'Closed',
        ),
      ),
      h(
        'div',
        {},
        h('dt', { class: 'hint' }, 'Call time'),
        h('dd', {}, `${when(result.at.local)} (${place(result.at.timeZone)})`),
      ),
    ),
    h(
      'table',
      // Under 640 px each step stacks as one labelled block (app.css), so the text is not squeezed to a sliver.
      { class: 'mt stacking' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ['Step', 'Outcome', 'When', 'What'].map((t) => h('th', { scope: 'col' }, t)),
        ),
      ),
      h('tbody', {}, result.steps.map(stepRow)),
    ),
    sendToPhoneBox(result, call),
  );
}

export function renderTestCall() {
  const out = h('div', { 'aria-live': 'polite' });
  const sources = state.doc.sources;
  const numberId = uid('t');
  const form = h(
    'div',
    { class: 'grid' },
    input('First name', 'firstName', { value: 'Jane' }),
    input('Last name', 'lastName', { value: 'Cooper' }),
    input('Phone', 'phone', { value: '+13055550142', type: 'tel' }),
    input('State (optional)', 'state', { placeholder: 'FL' }),
    input('Contact tags (optional)', 'tags', { placeholder: 'VIP' }),
    h(
      'div',
      { class: 'field' },
      h('label', { for: numberId }, 'Line they called'),
      h(
        'select',
        { id: numberId, name: 'trackingNumber' },
        h('option', { value: '' }, 'An unmapped number'),
        sources.map((s, i) =>
          h('option', { value: s.trackingNumber, selected: i === 0 }, `${s.tag} (${s.trackingNumber})`),
        ),
      ),
    ),
    input('Call time, caller’s local (optional)', 'atLocal', { type: 'datetime-local' }),
  );
  const run = async () => {
    const value = (name) => form.querySelector(`[name="${name}"]`).value.trim();
    const body = {
      contact: {
        firstName: value('firstName'),
        lastName: value('lastName'),
        phone: value('phone'),
        state: value('state') || null,
        tags: value('tags')
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean),
      },
      trackingNumber: value('trackingNumber') || null,
      ...(value('atLocal') ? { atLocal: value('atLocal').slice(0, 16) } : {}),
    };
    replace(out, h('p', { class: 'muted' }, 'Running…'));
    try {
      showResult(out, (await api('POST', '/api/test-call', body)).data, body);
    } catch (err) {
      replace(
        out,
        h(
          'p',
          { class: 'banner banner-error' },
          err.details?.length ? err.details.map((d) => `${d.path}: ${d.message}`).join('; ') : err.message,
        ),
      );
    }
  };
  return h(
    'section',
    { class: 'card', id: 'sec-test', 'aria-labelledby': 'sec-test-title' },
    h(
      'header',
      {},
      h(
        'div',
        {},
        h('h2', { id: 'sec-test-title' }, 'Test call'),
        h(
          'p',
          {},
          'See what Ringback would do for a missed call, with your saved settings. Nothing is sent unless you ask for a text on your own phone.',
        ),
      ),
    ),
    isDirty()
      ? h(
          'p',
          { class: 'banner banner-info' },
          'You have unsaved changes: the test uses the saved settings until you save.',
        )
      : null,
    form,
    h(
      'div',
      { class: 'row mt' },
      h('button', { type: 'button', class: 'btn btn-primary', id: 'run-test-call', onclick: run }, 'Run test call'),
    ),
    out,
  );
}
