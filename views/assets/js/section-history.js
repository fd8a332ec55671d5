// "Changes": who changed the settings and when, with a restore of any earlier version, and reset to defaults.
// Both only load a document into the editor; nothing is saved until the owner presses Save (PUT, audited).
import { api } from './api.js';
import { askConfirm } from './confirm.js';
import { announce, h, replace } from './dom.js';
import { mutate, state } from './state.js';

const WORDS = {
  enabled: 'on/off',
  timezone: 'time zone',
  bookingLink: 'booking link',
  sequence: 'follow-up sequence',
  stopWhen: 'when to stop',
  sources: 'numbers & sources',
  routing: 'routing',
  escalation: 'escalation',
  highValue: 'high-value leads',
  sendWindow: 'send window',
  digest: 'daily digest',
  consent: 'consent tag',
};
// What "reset to defaults" keeps: the owner's own numbers, reps and escalation are not Ringback's to reset.
const KEPT = ['sources', 'routing', 'escalation'];

let entries = null;

/** The list is read again after a save or a reload. */
export function invalidateAudit() {
  entries = null;
}

function when(iso) {
  return new Date(iso).toLocaleString('en-US', { dateStyle: 'medium', timeStyle: 'short' });
}

function replaceDoc(next) {
  mutate((doc) => {
    for (const key of Object.keys(doc)) delete doc[key];
    Object.assign(doc, structuredClone(next));
  });
}

async function restore(entry, rerender) {
  const ok = await askConfirm({
    title: `Restore the settings as ${entry.changedByName ?? 'someone'} saved them on ${when(entry.changedAt)}?`,
    message: 'They are loaded into the page for you to check. Nothing changes until you press Save.',
    confirmLabel: 'Load this version',
  });
  if (!ok) return;
  const { data } = await api('GET', `/api/settings/audit/${entry.version}`);
  replaceDoc(data.settings);
  rerender();
  announce(`The version of ${when(entry.changedAt)} is loaded: press Save to keep it.`, 'info');
}

async function reset(rerender) {
  const ok = await askConfirm({
    title: 'Reset the settings to Ringback’s defaults?',
    message: [
      'The sequence and its texts, the send window, the digest and the stop conditions go back to the defaults.',
      'Your numbers and sources, reps and routing, and escalation are kept. Nothing changes until you press Save.',
    ],
    confirmLabel: 'Load the defaults',
    danger: true,
  });
  if (!ok) return;
  const { data } = await api('GET', '/api/settings/defaults');
  const next = { ...data };
  for (const key of KEPT) next[key] = state.doc[key];
  replaceDoc(next);
  rerender();
  announce('The defaults are loaded: press Save to keep them.', 'info');
}

function list(rerender) {
  const admin = state.session?.role === 'admin';
  if (entries.length === 0)
    return h('p', { class: 'muted' }, 'No changes yet: these are the settings Ringback was installed with.');
  return h(
    'ul',
    { class: 'audit-list' },
    entries.map((e, i) =>
      h(
        'li',
        { dataset: { version: String(e.version) } },
        h(
          'div',
          {},
          h('strong', {}, `${when(e.changedAt)} · ${e.changedByName ?? 'Someone'}`),
          h(
            'div',
            { class: 'what' },
            e.changed.length ? `Changed ${e.changed.map((k) => WORDS[k] ?? k).join(', ')}` : 'Saved without changes',
          ),
        ),
        i === 0
          ? h('span', { class: 'badge badge-green' }, 'Current')
          : h(
              'button',
              {
                type: 'button',
                class: 'btn btn-secondary btn-small',
                disabled: !admin,
                onclick: () => restore(e, rerender),
              },
              'Restore this version',
            ),
      ),
    ),
  );
}

export function renderHistory(rerender) {
  const body = h('div', { 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Loading…'));
  const admin = state.session?.role === 'admin';
  const show = () => replace(body, list(rerender));
  if (entries) show();
  else
    api('GET', '/api/settings/audit')
      .then(({ data }) => {
        entries = data.entries;
        show();
      })
      .catch((err) =>
        replace(body, h('p', { class: 'error' }, `The list of changes could not be loaded: ${err.message}`)),
      );
  return h(
    'section',
    { class: 'card', id: 'sec-history', 'aria-labelledby': 'sec-history-title' },
    h(
      'header',
      {},
      h(
        'div',
        {},
        h('h2', { id: 'sec-history-title' }, 'Changes'),
        h('p', {}, 'Who changed these settings and when. Load an earlier version, or start again from the defaults.'),
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-secondary',
          id: 'reset-defaults',
          disabled: !admin,
          onclick: () => reset(rerender),
        },
        'Reset to defaults…',
      ),
    ),
    body,
  );
}
