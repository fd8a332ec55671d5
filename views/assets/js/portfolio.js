// The agency view: opened from the agency's own menu (no sub-account), it signs in for the whole agency and
// shows every sub-account with Ringback, ranked, with what needs attention; agency admins keep a settings
// template and copy it to chosen sub-accounts. Names only on screen, times in the viewer's own time zone.
import { byId, h, replace } from './dom.js';
import { shortDuration } from '/app/core/duration.js';

let token = null;
let payload = null;
let days = 7;
let role = 'user';
let openSettings = () => {};

/** POST /api/session for the agency; null when this user cannot have the agency view (main.js then offers the chooser). */
async function signInAgency() {
  const res = await fetch('/api/session', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ payload, scope: 'company' }),
  });
  if (!res.ok) return null;
  return res.json();
}

async function call(method, path, body, headers = {}, retried = false) {
  const res = await fetch(path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await res.json().catch(() => ({}));
  if (res.status === 401 && !retried) {
    const session = await signInAgency();
    if (session) {
      token = session.token;
      return call(method, path, body, headers, true);
    }
  }
  if (!res.ok) throw new Error(data.error?.message ?? `request failed (HTTP ${res.status})`);
  return { data, etag: res.headers.get('etag') };
}

const pct = (v) => (v === null || v === undefined ? '–' : `${v}%`);
const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
const when = (iso) =>
  new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));

function cell(label, now, before) {
  return h('td', { 'data-label': label }, h('strong', {}, now), h('span', { class: 'was' }, `before: ${before}`));
}

function row(r) {
  const p = r.previous;
  const dollars = (v) => `about $${Math.round(v).toLocaleString('en-US')}`;
  const revenue = r.revenueMeasured ? dollars(r.revenueRecovered) : 'not measured yet';
  return h(
    'tr',
    { class: r.behind ? 'behind' : '', dataset: { rank: String(r.rank) } },
    h('td', { 'data-label': 'Rank', class: 'rank' }, String(r.rank)),
    h(
      'th',
      { scope: 'row', 'data-label': 'Sub-account' },
      h('span', { class: 'name' }, r.name),
      h(
        'button',
        { type: 'button', class: 'btn btn-ghost btn-small', onclick: () => openSettings(r.locationId) },
        'Open settings',
      ),
    ),
    cell('Missed calls', String(r.missedCalls), String(p.missedCalls)),
    cell('Recovered', pct(r.recoveredPct), pct(p.recoveredPct)),
    cell(
      'First follow-up',
      shortDuration(r.medianFirstFollowupSeconds, '–'),
      shortDuration(p.medianFirstFollowupSeconds, '–'),
    ),
    cell(
      'First call back by a person',
      shortDuration(r.medianFirstHumanContactSeconds, '–'),
      shortDuration(p.medianFirstHumanContactSeconds, '–'),
    ),
    cell('Booked', pct(r.bookedPct), pct(p.bookedPct)),
    h('td', { 'data-label': 'Revenue recovered', class: r.revenueMeasured ? '' : 'muted' }, revenue),
    h(
      'td',
      { 'data-label': 'Needs attention', class: 'flags' },
      r.flags.length === 0
        ? h('span', { class: 'ok' }, 'On track')
        : h(
            'ul',
            {},
            r.flags.map((f) => h('li', {}, f.message, f.fix ? h('span', { class: 'fix' }, ` Fix: ${f.fix}`) : null)),
          ),
    ),
  );
}

function table(rows) {
  const heads = [
    '#',
    'Sub-account',
    'Missed calls',
    'Recovered',
    'First follow-up (median)',
    'First call back by a person (median)',
    'Booked',
    'Revenue recovered',
    'Needs attention',
  ];
  return h(
    'table',
    { class: 'portfolio-table', id: 'portfolio-table' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        heads.map((t) => h('th', { scope: 'col' }, t)),
      ),
    ),
    h('tbody', {}, rows.map(row)),
  );
}

function summary(data) {
  const t = data.totals.current;
  const p = data.totals.previous;
  const behind = data.locations.filter((r) => r.behind).length;
  return h(
    'p',
    { id: 'portfolio-summary', class: 'summary' },
    `${plural(t.subAccounts, 'sub-account')} with Ringback: ${plural(t.missedCalls, 'missed call')}, ${pct(t.recoveredPct)} of callers recovered in the last ${days} days (the ${days} days before: ${plural(p.missedCalls, 'missed call')}, ${pct(p.recoveredPct)}). `,
    behind === 0 ? 'All on track.' : `${plural(behind, 'sub-account')} need${behind === 1 ? 's' : ''} attention.`,
  );
}

function periodButtons() {
  return h(
    'div',
    { class: 'period', role: 'group', 'aria-label': 'Period' },
    [7, 30].map((d) =>
      h(
        'button',
        { type: 'button', class: 'tab', 'aria-pressed': String(d === days), onclick: () => show(d) },
        `Last ${d} days`,
      ),
    ),
  );
}

async function templateCard(locations) {
  if (role !== 'admin') return null;
  const { data, etag } = await call('GET', '/api/portfolio/template');
  const status = h(
    'p',
    { class: 'muted', id: 'template-status' },
    data.updatedAt
      ? `Template last saved ${when(data.updatedAt)}${data.updatedByName ? ` by ${data.updatedByName}` : ''}.`
      : 'No template saved yet: new sub-accounts start from Ringback’s defaults.',
  );
  const source = h(
    'select',
    { id: 'template-source', 'aria-label': 'Sub-account to take the template from' },
    locations.map((l) => h('option', { value: l.locationId }, l.name)),
  );
  const boxes = locations.map((l) =>
    h('label', { class: 'check' }, h('input', { type: 'checkbox', value: l.locationId }), l.name),
  );
  const result = h('div', { id: 'copy-result', role: 'status' });
  const makeTemplate = async () => {
    await call(
      'POST',
      '/api/portfolio/template/from-location',
      { locationId: source.value },
      { 'if-match': etag ?? '"0"' },
    );
    show(days);
  };
  const copy = async () => {
    const chosen = boxes
      .map((b) => b.querySelector('input'))
      .filter((i) => i.checked)
      .map((i) => i.value);
    if (chosen.length === 0)
      return replace(result, h('p', { class: 'banner banner-warn' }, 'Choose at least one sub-account.'));
    const { data: copied } = await call('POST', '/api/portfolio/copy', { locationIds: chosen });
    const words = { copied: 'settings copied', unchanged: 'already had them', refused: 'not copied' };
    replace(
      result,
      h(
        'ul',
        { class: 'banner banner-ok' },
        copied.results.map((c) =>
          h('li', {}, `${c.name}: ${words[c.status]}${c.status === 'refused' ? ` (${c.message})` : ''}`),
        ),
      ),
    );
  };
  return h(
    'section',
    { class: 'card', id: 'portfolio-template', 'aria-labelledby': 'template-title' },
    h(
      'header',
      {},
      h(
        'div',
        {},
        h('h2', { id: 'template-title' }, 'Settings template'),
        h(
          'p',
          {},
          'Every new sub-account starts from it. Copying keeps each sub-account’s own phone numbers, reps, time zone and calendar link.',
        ),
      ),
    ),
    status,
    h(
      'div',
      { class: 'row' },
      source,
      h(
        'button',
        { type: 'button', class: 'btn btn-secondary', onclick: makeTemplate },
        'Use its settings as the template',
      ),
    ),
    data.version > 0
      ? h(
          'fieldset',
          { class: 'copy' },
          h('legend', {}, 'Copy the template to'),
          boxes,
          h(
            'button',
            { type: 'button', class: 'btn btn-primary', id: 'copy-template', onclick: copy },
            'Copy template',
          ),
        )
      : null,
    result,
  );
}

async function show(d) {
  days = d;
  const view = byId('portfolio');
  try {
    const { data } = await call('GET', `/api/portfolio?days=${days}`);
    const header = h(
      'header',
      {},
      h('div', {}, h('h2', {}, 'Your sub-accounts'), h('p', {}, 'Ranked by the share of missed callers recovered.')),
      periodButtons(),
    );
    const body =
      data.locations.length === 0
        ? h('p', { class: 'muted' }, 'Ringback is not installed in any of your sub-accounts yet.')
        : table(data.locations);
    replace(
      view,
      h('section', { class: 'card' }, header, summary(data), h('div', { class: 'table-wrap' }, body)),
      await templateCard(data.locations),
    );
    document.body.dataset.ready = 'true';
  } catch (err) {
    replace(view, h('p', { class: 'banner banner-error' }, `Could not load your sub-accounts: ${err.message}`));
  }
}

/**
 * Shows the agency view when this user may have it, and resolves with a sub-account when they choose "Open
 * settings" on one; resolves null at once when they may not (the sub-account chooser is offered instead).
 */
export async function openPortfolio(ssoPayload) {
  payload = ssoPayload;
  const session = await signInAgency();
  if (!session) return null;
  token = session.token;
  role = session.role;
  const link = h('link', { rel: 'stylesheet', href: '/app/assets/portfolio.css' });
  document.head.append(link);
  byId('signin').hidden = true;
  replace(byId('who'), `Agency view · ${session.userName}`);
  byId('main').append(h('div', { id: 'portfolio' }));
  await show(7);
  return new Promise((resolve) => {
    openSettings = (locationId) => {
      byId('portfolio').remove();
      byId('signin').hidden = false;
      resolve(locationId);
    };
  });
}
