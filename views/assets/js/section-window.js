// The send window and touch cap, with the compliance defaults explained and loosening warned; the digest.
import { h } from './dom.js';
import { checkbox, listField, numberField, textField } from './fields.js';
import { state } from './state.js';

function minutes(text) {
  const m = /^([01]\d|2[0-4]):([0-5]\d)$/.exec(text ?? '');
  const value = m ? Number(m[1]) * 60 + Number(m[2]) : null;
  return value !== null && value <= 24 * 60 ? value : null;
}

/** Warnings for a window or cap looser than the shipped compliance defaults. */
export function looseningWarnings(w) {
  const out = [];
  const start = minutes(w.start);
  const end = minutes(w.end);
  if (start !== null && start < 8 * 60) out.push(`Texts could go out from ${w.start}: federal rules (TCPA) forbid solicitations before 08:00 in the recipient’s time.`);
  if (end !== null && end > 21 * 60) out.push(`Texts could go out until ${w.end}: federal rules (TCPA) forbid solicitations after 21:00 in the recipient’s time.`);
  if (typeof w.maxTouchesPer24h === 'number' && w.maxTouchesPer24h > 3) out.push(`${w.maxTouchesPer24h} automated texts a day is above the 3 per 24 hours Florida, Oklahoma and Maryland allow.`);
  return out;
}

export function renderWindow() {
  const warnings = h('div', { 'aria-live': 'polite' });
  const refresh = () => {
    const list = looseningWarnings(state.doc.sendWindow);
    warnings.replaceChildren(...(list.length ? [h('div', { class: 'banner banner-warn' }, h('strong', {}, 'You are loosening the compliance defaults. This is your decision:'), h('ul', {}, list.map((t) => h('li', {}, t))))] : []));
  };
  refresh();
  const clock = (label, key, hint) => textField({ label, path: ['sendWindow', key], placeholder: 'HH:MM', hint, onInput: refresh, attrs: { inputmode: 'numeric', maxlength: 5 } });
  const cap = numberField({ label: 'Max automated texts per contact per 24 h', path: ['sendWindow', 'maxTouchesPer24h'], min: 1, max: 10, hint: 'Default 3. A text over the cap waits; it is never dropped.' });
  cap.querySelector('input').addEventListener('input', refresh);
  return h('section', { class: 'card', id: 'sec-window', 'aria-labelledby': 'sec-window-title' },
    h('header', {}, h('div', {}, h('h2', { id: 'sec-window-title' }, 'Send window and limits'), h('p', {}, 'Texts only go out inside this window, in each caller’s own local time. Outside it they wait for the next open minute.'))),
    h('div', { class: 'stack' },
      h('div', { class: 'banner banner-info' },
        h('strong', {}, 'Compliance defaults: '),
        '08:00–21:00 local and at most 3 texts per 24 h (TCPA quiet hours; FTSA caps). Florida, Oklahoma and Maryland callers are always limited to 08:00–20:00, Texas to 09:00–21:00 (12:00 on Sundays), whatever you set here. Emails and tasks are not limited.'),
      h('div', { class: 'grid' },
        clock('Window opens', 'start', 'Default 08:00.'),
        clock('Window closes', 'end', 'Default 21:00; 24:00 for midnight.'),
        cap,
      ),
      warnings,
      h('h3', { class: 'mt' }, 'Daily digest'),
      h('div', {}, checkbox({ label: 'Email a digest of yesterday’s missed calls every morning', path: ['digest', 'enabled'] })),
      h('div', { class: 'grid' },
        textField({ label: 'Send at (location time)', path: ['digest', 'at'], placeholder: '08:00', attrs: { inputmode: 'numeric', maxlength: 5 } }),
        listField({ label: 'Recipients', path: ['digest', 'recipients'], placeholder: 'owner@example.com, manager@example.com', hint: 'Comma-separated email addresses.' }),
      ),
    ),
  );
}
