// The settings form: renders every section from the document, maps validation errors to fields, saves with
// If-Match and handles a concurrent change (409) with a reload prompt.
import { api } from './api.js';
import { announce, byId, h, replace } from './dom.js';
import { describePath, fieldFor, onErrorsChanged, resetRegistry, showErrors, withContext } from './fields.js';
import { renderA2p } from './section-a2p.js';
import { renderGeneral } from './section-general.js';
import { invalidateAudit, renderHistory } from './section-history.js';
import { renderRouting } from './section-routing.js';
import { renderSequence } from './section-sequence.js';
import { renderSources } from './section-sources.js';
import { renderTestCall } from './section-testcall.js';
import { renderWindow } from './section-window.js';
import { wireSaveExtras } from './save-keys.js';
import { isDirty, load, state } from './state.js';
import { reportFailure } from './status.js';

const SECTIONS = [
  ['sec-general', 'General'],
  ['sec-sequence', 'Sequence'],
  ['sec-sources', 'Numbers & sources'],
  ['sec-routing', 'Routing & escalation'],
  ['sec-window', 'Send window & digest'],
  ['sec-test', 'Test call'],
  ['sec-a2p', 'Carrier registration'],
  ['sec-history', 'Changes'],
];

/** Rebuilds the form from the document; `focusKey` names the control (data-focus) to focus afterwards. */
export function renderForm(focusKey) {
  wireSaveExtras(save);
  resetRegistry();
  const form = byId('settings-form');
  // The settings sit in one fieldset, disabled for a rep: every control in it, added steps included, is read-only.
  // The test call (a dry run) and the carrier text (copy only) change nothing and stay usable.
  const editable = state.session?.role === 'admin';
  replace(
    form,
    h(
      'fieldset',
      { class: 'settings-fields', disabled: !editable },
      withContext('General', () => renderGeneral(renderForm)),
      renderSequence(renderForm),
      renderSources(renderForm),
      withContext('Routing', () => renderRouting(renderForm)),
      withContext('Send window & digest', () => renderWindow()),
    ),
    renderTestCall(),
    renderA2p(),
    renderHistory(renderForm),
  );
  replace(
    byId('section-nav'),
    SECTIONS.map(([id, label]) => h('a', { href: `#${id}` }, label)),
  );
  replace(
    byId('lookup-warnings'),
    state.lookups.warnings.map((w) => h('p', { class: 'banner banner-warn' }, w)),
  );
  applyErrors();
  if (focusKey) form.querySelector(`[data-focus="${CSS.escape(focusKey)}"]`)?.focus();
}

onErrorsChanged(() => applyErrors());

/** The server's words for the API, in the page's terms: the page shows waits as numbers, not ISO 8601. */
function ownerMessage(message) {
  if (message.startsWith('must be an ISO 8601 duration')) return 'write a whole number of minutes, hours or days';
  return message;
}

/** Focuses the field of a problem, opening the folded part it may sit in (the email's HTML). */
export function focusField(path) {
  const control = fieldFor(path);
  const folded = control?.closest('details');
  if (folded) folded.open = true;
  control?.focus();
}

function applyErrors() {
  const problems = state.errors.map((p) => ({ ...p, message: ownerMessage(p.message) }));
  const unplaced = showErrors(problems);
  const summary = byId('error-summary');
  if (problems.length === 0) {
    summary.hidden = true;
    replace(summary);
    return;
  }
  summary.hidden = false;
  replace(
    summary,
    h('strong', {}, `Nothing was saved: ${problems.length} problem${problems.length === 1 ? '' : 's'} to fix.`),
    h(
      'ul',
      {},
      problems.map((p) =>
        h(
          'li',
          {},
          h('button', { type: 'button', class: 'linklike', onclick: () => focusField(p.path) }, describePath(p.path)),
          `: ${p.message}`,
          unplaced.includes(p) ? ' (no field on this page)' : '',
        ),
      ),
    ),
  );
}

function showConflict(message) {
  const banner = byId('conflict');
  banner.hidden = false;
  replace(
    banner,
    h('strong', {}, 'Someone else saved these settings while you were editing. '),
    message,
    ' ',
    h(
      'button',
      { type: 'button', class: 'btn btn-secondary btn-small', id: 'reload-settings', onclick: reloadSettings },
      'Reload their version (discards your changes)',
    ),
  );
  banner.scrollIntoView({ block: 'center' });
}

export async function reloadSettings() {
  const [answer, audit] = await Promise.all([api('GET', '/api/settings'), api('GET', '/api/settings/audit')]);
  invalidateAudit();
  load(answer, lastChangedBy(audit.data));
  byId('conflict').hidden = true;
  renderForm();
  announce('Settings reloaded.', 'info');
}

export async function save() {
  const button = byId('save');
  button.disabled = true;
  announce('Saving…');
  try {
    const answer = await api('PUT', '/api/settings', state.doc, { 'if-match': state.etag });
    invalidateAudit();
    load(answer, state.session?.userName || state.updatedByName);
    renderForm();
    announce('Settings saved.', 'ok');
  } catch (err) {
    if (err.code === 'VALIDATION_FAILED') {
      state.errors = err.details;
      applyErrors();
      announce('', 'info');
      byId('error-summary').focus();
    } else if (err.code === 'VERSION_CONFLICT') {
      announce('', 'info');
      showConflict(err.message);
    } else {
      // Lost connection: a standing banner with Retry (the edits stay in the form); anything else a toast.
      reportFailure('Not saved', err, save);
    }
  } finally {
    button.disabled = !isDirty() || state.session?.role !== 'admin';
  }
}

/** The name of whoever saved the latest version, from `GET /api/settings/audit` (null before any save). */
export function lastChangedBy(audit) {
  return audit?.entries?.[0]?.changedByName ?? null;
}
