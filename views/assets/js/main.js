// Entry point: the GHL handshake, then the settings form and the dashboard tab.
import { api, currentSession, setSession } from './api.js';
import { renderDashboard } from './dashboard.js';
import { byId, h, replace } from './dom.js';
import { lastChangedBy, renderForm, save } from './form.js';
import { openPortfolio } from './portfolio.js';
import { exchange, requestUserData } from './sso.js';
import { discard, isDirty, load, onChange, savedEnabled, state } from './state.js';
import { clearToast, showOff } from './status.js';

function chooseLocation(choices) {
  return new Promise((resolve) => {
    replace(byId('signin-message'), 'You opened Ringback as an agency user. Choose the sub-account to configure:');
    replace(
      byId('signin-choices'),
      h(
        'div',
        { class: 'choices' },
        choices.map((c) =>
          h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => resolve(c.locationId) }, c.name),
        ),
      ),
    );
  });
}

async function signIn() {
  const payload = await requestUserData();
  let result = await exchange(payload);
  let locationId = null;
  if (result.choices) {
    // At agency level the agency view comes first; "Open settings" on a sub-account continues below.
    locationId = (await openPortfolio(payload)) ?? (await chooseLocation(result.choices));
    result = await exchange(payload, locationId);
  }
  setSession(result.session, locationId);
  state.session = result.session;
}

function selectTab(name) {
  for (const tab of ['settings', 'dashboard']) {
    const selected = tab === name;
    const button = byId(`tab-btn-${tab}`);
    button.setAttribute('aria-selected', String(selected));
    button.tabIndex = selected ? 0 : -1;
    byId(`tab-${tab}`).hidden = !selected;
  }
  // A toast belongs to the tab that raised it ("Settings saved." means nothing on the Dashboard).
  clearToast();
  if (name === 'dashboard') renderDashboard();
}

function wireTabs() {
  const tabs = [byId('tab-btn-settings'), byId('tab-btn-dashboard')];
  tabs.forEach((tab, i) => {
    tab.addEventListener('click', () => selectTab(tab.id.replace('tab-btn-', '')));
    tab.addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
      const next = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
      next.focus();
      next.click();
    });
  });
}

function openOnSwitch() {
  selectTab('settings');
  const control = document.querySelector('[data-path="enabled"]');
  control?.scrollIntoView({ block: 'center' });
  control?.focus();
}

function wireSaveBar() {
  const note = byId('dirty-note');
  const update = () => {
    const dirty = isDirty();
    const admin = currentSession()?.role === 'admin';
    note.textContent = dirty
      ? 'You have unsaved changes'
      : `All changes saved${state.updatedByName ? ` · last by ${state.updatedByName}` : ''}`;
    note.classList.toggle('dirty', dirty);
    // "Settings saved." is untrue the moment there is an unsaved change.
    if (dirty) clearToast('ok');
    showOff(!savedEnabled(), admin ? openOnSwitch : null);
    byId('save').disabled = !dirty || !admin;
    byId('discard').disabled = !dirty;
  };
  onChange(update);
  byId('save').addEventListener('click', save);
  // Enter in a field must not submit the form anywhere; saving is the Save button's job.
  byId('settings-form').addEventListener('submit', (event) => event.preventDefault());
  byId('discard').addEventListener('click', () => {
    discard();
    renderForm();
  });
  window.addEventListener('beforeunload', (event) => {
    if (!isDirty()) return;
    event.preventDefault();
    event.returnValue = '';
  });
  update();
}

async function start() {
  try {
    await signIn();
  } catch (err) {
    replace(byId('signin-message'), err.message);
    replace(byId('signin-choices'));
    return;
  }
  const session = currentSession();
  replace(byId('who'), `${session.locationName ?? session.locationId} · ${session.userName || session.userId}`);
  try {
    const [settings, lookups, audit] = await Promise.all([
      api('GET', '/api/settings'),
      api('GET', '/api/lookups'),
      api('GET', '/api/settings/audit'),
    ]);
    state.lookups = lookups.data;
    wireSaveBar();
    load(settings, lastChangedBy(audit.data));
    renderForm();
  } catch (err) {
    replace(byId('signin-message'), `Could not load the settings: ${err.message}`);
    replace(
      byId('signin-choices'),
      h('button', { type: 'button', class: 'btn btn-secondary', onclick: () => location.reload() }, 'Try again'),
    );
    return;
  }
  byId('signin').hidden = true;
  // A rep sees the settings read-only: one notice at the top, no save bar (nothing can change, so nothing to save).
  const admin = session.role === 'admin';
  byId('readonly-note').hidden = admin;
  byId('savebar').hidden = !admin;
  byId('tabs').hidden = false;
  wireTabs();
  selectTab('settings');
  document.body.dataset.ready = 'true';
}

start();
