// The call log's filters, in the owner's words: what happened to the lead, the line's source, the rep, and days
// in the location's zone; and "Export CSV", which downloads the calls the filters show.
import { download } from './api.js';
import { h, uid } from './dom.js';
import { state } from './state.js';
import { reportFailure, toast } from './status.js';
import { placeOf } from './zone.js';

// The values of GET /api/calls?outcome=, worded as the log words the outcome.
const OUTCOMES = [
  ['', 'Any outcome'],
  ['recovered', 'Recovered'],
  ['lost', 'Not recovered'],
  ['suppressed', 'Not followed up'],
  ['in-progress', 'In progress'],
];

function field(label, control, hint) {
  const id = uid('filter');
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ?? null);
}

function select(name, options) {
  return h(
    'select',
    { name },
    options.map(([value, text]) => h('option', { value }, text)),
  );
}

/** The sources as saved (what the engine tags calls with), each once. */
function sourceOptions() {
  const sources = JSON.parse(state.savedJson)?.sources ?? [];
  const tags = [...new Set(sources.map((s) => s.tag).filter((t) => t))];
  return [['', 'Every source'], ...tags.map((t) => [t, t])];
}

function repOptions() {
  const users = [...(state.lookups.users ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  return [['', 'Every rep'], ...users.map((u) => [u.id, u.name])];
}

function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const link = h('a', { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/**
 * The filter bar. `onChange(query)` runs with the query string (URLSearchParams) whenever the filters change
 * to a valid set; a "to" day before the "from" day is said under the field and not sent.
 */
export function callFilters(zone, onChange) {
  const outcome = select('outcome', OUTCOMES);
  const source = select('source', sourceOptions());
  const rep = select('rep', repOptions());
  const from = h('input', { type: 'date', name: 'from' });
  const to = h('input', { type: 'date', name: 'to' });
  const toError = h('span', { class: 'error', role: 'alert' });
  const place = placeOf(zone);
  const clear = h('button', { type: 'button', class: 'btn btn-ghost', id: 'calls-clear' }, 'Clear filters');
  const exportButton = h('button', { type: 'button', class: 'btn btn-secondary', id: 'calls-export' }, 'Export CSV');

  function query() {
    const q = new URLSearchParams();
    for (const control of [outcome, source, rep, from, to]) if (control.value) q.set(control.name, control.value);
    return q;
  }

  function changed() {
    const bad = from.value && to.value && to.value < from.value;
    toError.textContent = bad ? 'The last day is before the first day.' : '';
    to.closest('.field').classList.toggle('invalid', Boolean(bad));
    if (!bad) onChange(query());
  }

  clear.addEventListener('click', () => {
    for (const control of [outcome, source, rep, from, to]) control.value = '';
    changed();
  });

  exportButton.addEventListener('click', async () => {
    exportButton.disabled = true;
    exportButton.textContent = 'Exporting…';
    try {
      const q = query().toString();
      const { blob, name } = await download(`/api/calls.csv${q ? `?${q}` : ''}`);
      save(blob, name);
      toast(`Downloaded ${name}.`, 'success');
    } catch (err) {
      reportFailure('The export', err, () => exportButton.click());
    } finally {
      exportButton.disabled = false;
      exportButton.textContent = 'Export CSV';
    }
  });

  const form = h(
    'form',
    { class: 'call-filters', id: 'calls-filters', role: 'search', 'aria-label': 'Filter the missed calls' },
    field('What happened', outcome),
    field('Source', source),
    field('Rep', rep),
    field('From', from, h('span', { class: 'hint' }, place)),
    field('To', to, toError),
    h('div', { class: 'call-filter-actions' }, clear, exportButton),
  );
  form.addEventListener('change', changed);
  // Enter in a date field submits the form: filter, do not reload the page.
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    changed();
  });
  return { node: form, query };
}
