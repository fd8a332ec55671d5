// On/off, booking link, timezone override and the stop conditions.
import { normaliseLink } from '/app/core/link-text.js';
import { h } from './dom.js';
import { checkbox, textField } from './fields.js';
import { set, state } from './state.js';

const STOPS = [
  ['callReturned', 'A rep called them back'],
  ['answered', 'A later call from them was answered'],
  ['replied', 'They replied'],
  ['booked', 'They booked an appointment'],
  ['taskCompleted', 'The callback task was completed'],
];

const ZONES = [
  'America/New_York',
  'America/Chicago',
  'America/Denver',
  'America/Phoenix',
  'America/Los_Angeles',
  'America/Anchorage',
  'Pacific/Honolulu',
];

export function renderGeneral(rerender) {
  const doc = state.doc;
  const calendars = state.lookups.calendars;
  const bookingWarning = doc.bookingLink
    ? null
    : h(
        'p',
        { class: 'banner banner-warn mt' },
        'No booking link: texts using {{bookingLink}} will leave it out. Paste your calendar’s booking page.',
      );
  const calendarButtons = calendars.length
    ? h(
        'div',
        { class: 'row mt' },
        h('span', { class: 'hint' }, 'Use a HighLevel calendar:'),
        calendars.map((c) =>
          h(
            'button',
            {
              type: 'button',
              class: 'btn btn-secondary btn-small',
              onclick: () => {
                set(['bookingLink'], `https://api.leadconnectorhq.com/widget/booking/${encodeURIComponent(c.id)}`);
                rerender('booking-link');
              },
            },
            c.name,
          ),
        ),
      )
    : null;
  const enabled = h(
    'label',
    { class: 'switch' },
    h('input', {
      type: 'checkbox',
      role: 'switch',
      checked: doc.enabled,
      'aria-describedby': 'enabled-hint',
      onchange: (e) => {
        set(['enabled'], e.target.checked);
        rerender('enabled');
      },
      dataset: { path: 'enabled', focus: 'enabled' },
    }),
    doc.enabled ? 'Ringback is on' : 'Ringback is off',
  );
  const booking = textField({
    label: 'Booking link',
    path: ['bookingLink'],
    type: 'url',
    placeholder: 'https://…',
    hint: 'Sent as {{bookingLink}} so a caller can pick a time.',
    // "book.brightsmile.com" is understood: https:// is added when the owner leaves the field, as the server would.
    normalise: normaliseLink,
  });
  booking.querySelector('input').dataset.focus = 'booking-link';
  return h(
    'section',
    { class: 'card', id: 'sec-general', 'aria-labelledby': 'sec-general-title' },
    h(
      'header',
      {},
      h(
        'div',
        {},
        h('h2', { id: 'sec-general-title' }, 'General'),
        h('p', {}, 'Switch Ringback on or off and set what every message can link to.'),
      ),
    ),
    h(
      'div',
      { class: 'stack' },
      h(
        'div',
        {},
        enabled,
        h('p', { class: 'hint', id: 'enabled-hint' }, 'When off, missed calls are still recorded but nothing is sent.'),
      ),
      h('div', {}, booking, calendarButtons, bookingWarning),
      textField({
        label: 'Time zone override',
        path: ['timezone'],
        placeholder: 'Leave empty to use each caller’s own time zone',
        hint: 'Empty (recommended): the caller’s time zone from their contact, state or area code.',
        parse: (v) => (v.trim() === '' ? null : v.trim()),
        attrs: { list: 'zones' },
      }),
      h(
        'datalist',
        { id: 'zones' },
        ZONES.map((z) => h('option', { value: z })),
      ),
      h(
        'fieldset',
        {},
        h('legend', {}, 'Stop the follow-up when…'),
        h(
          'div',
          { class: 'checks' },
          STOPS.map(([key, label]) => checkbox({ label, path: ['stopWhen', key] })),
        ),
      ),
    ),
  );
}
