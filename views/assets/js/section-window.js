// The send window and touch cap, with the compliance defaults explained and loosening warned; the digest.
// The server's reading of "8am" and "20:00" (src/core/shared/clock-text.js) and its federal floor
// (src/core/shared/federal-hours.js), served as is: the page warns where a save will be refused, nowhere else.
import { normaliseClock, parseClock } from '/app/core/clock-text.js';
import { beyondFederalHours, FEDERAL_TEXT } from '/app/core/federal-hours.js';
import { h } from './dom.js';
import { checkbox, listField, numberField, textField } from './fields.js';
import { digestTools } from './digest-tools.js';
import { state } from './state.js';

/** What the law overrides in a window or cap: a wider window cannot be saved; a cap above 3 does not apply everywhere. */
export function looseningWarnings(w) {
  const out = [];
  const { opensEarly, closesLate } = beyondFederalHours(parseClock(w.start ?? ''), parseClock(w.end ?? ''));
  if (opensEarly)
    out.push(
      `The window cannot open before ${FEDERAL_TEXT.start}: federal law (TCPA) allows no automated texts before ${FEDERAL_TEXT.startWords} in the recipient’s time. Saving will be refused.`,
    );
  if (closesLate)
    out.push(
      `The window cannot close after ${FEDERAL_TEXT.end}: federal law (TCPA) allows no automated texts from ${FEDERAL_TEXT.endWords} in the recipient’s time. Saving will be refused.`,
    );
  if (typeof w.maxTouchesPer24h === 'number' && w.maxTouchesPer24h > 3)
    out.push(
      `Callers in Florida, Oklahoma and Maryland still get at most 3 automated texts per 24 hours: their law’s cap applies whatever you set.`,
    );
  return out;
}

export function renderWindow() {
  const warnings = h('div', { 'aria-live': 'polite' });
  const refresh = () => {
    const list = looseningWarnings(state.doc.sendWindow);
    warnings.replaceChildren(
      ...(list.length
        ? [
            h(
              'div',
              { class: 'banner banner-warn' },
              h('strong', {}, 'You are loosening the compliance defaults. This is your decision:'),
              h(
                'ul',
                {},
                list.map((t) => h('li', {}, t)),
              ),
            ),
          ]
        : []),
    );
  };
  refresh();
  const clock = (label, key, hint) =>
    textField({
      label,
      path: ['sendWindow', key],
      placeholder: 'HH:MM',
      hint,
      onInput: refresh,
      normalise: normaliseClock,
      attrs: { inputmode: 'numeric', maxlength: 8 },
    });
  const cap = numberField({
    label: 'Max automated texts per contact per 24 h',
    path: ['sendWindow', 'maxTouchesPer24h'],
    min: 1,
    max: 10,
    hint: 'Default 3. A text over the cap waits; it is never dropped.',
  });
  cap.querySelector('input').addEventListener('input', refresh);
  return h(
    'section',
    { class: 'card', id: 'sec-window', 'aria-labelledby': 'sec-window-title' },
    h(
      'header',
      {},
      h(
        'div',
        {},
        h('h2', { id: 'sec-window-title' }, 'Send window and limits'),
        h(
          'p',
          {},
          'Texts only go out inside this window, in each caller’s own local time. Outside it they wait for the next open minute.',
        ),
      ),
    ),
    h(
      'div',
      { class: 'stack' },
      h(
        'div',
        { class: 'banner banner-info' },
        h('strong', {}, 'The law’s limits are floors: '),
        `your window can be narrower than ${FEDERAL_TEXT.start}–${FEDERAL_TEXT.end}, never wider (federal law). Whatever you set, each caller’s own state rules apply in every time zone they may be in (their contact time zone and state, and their phone’s area code, even when the number moved): Florida, Oklahoma, Maryland, Washington and Massachusetts 08:00–20:00, Connecticut 09:00–20:00, Texas 09:00–21:00 (12:00 on Sundays), Rhode Island 09:00–18:00 weekdays and 10:00–17:00 Saturdays, and no texts on Sundays in Alabama, Louisiana, Mississippi and Rhode Island. Florida, Oklahoma and Maryland allow at most 3 automated texts per 24 hours. A text outside the hours waits; it is never dropped. Emails and tasks are not limited.`,
      ),
      h(
        'div',
        { class: 'grid' },
        clock('Window opens', 'start', 'Default 08:00.'),
        clock('Window closes', 'end', 'Default 21:00, the latest the law allows.'),
        cap,
      ),
      warnings,
      h('h3', { class: 'mt' }, 'Consent for sales texts'),
      h(
        'p',
        {},
        'Steps marked “Sales follow-up” need written consent in Florida, Oklahoma and Maryland. They go to callers there only when the contact carries this tag in GHL; otherwise the step is skipped and the call’s timeline says why.',
      ),
      h(
        'div',
        { class: 'grid' },
        textField({
          label: 'Consent tag',
          path: ['consent', 'tag'],
          placeholder: 'SMS Consent',
          hint: 'Default “SMS Consent”. Add it in GHL (a form’s consent checkbox, a workflow) to contacts who agreed in writing.',
        }),
      ),
      h('h3', { class: 'mt' }, 'Daily digest'),
      h(
        'div',
        {},
        checkbox({ label: 'Email a digest of yesterday’s missed calls every morning', path: ['digest', 'enabled'] }),
      ),
      h(
        'div',
        { class: 'grid' },
        textField({
          label: 'Send at (location time)',
          path: ['digest', 'at'],
          placeholder: '08:00',
          normalise: normaliseClock,
          attrs: { inputmode: 'numeric', maxlength: 8 },
        }),
        listField({
          label: 'Recipients',
          path: ['digest', 'recipients'],
          placeholder: 'owner@example.com, manager@example.com',
          hint: 'Comma-separated email addresses.',
        }),
      ),
      digestTools(),
    ),
  );
}
