// The variable picker: one "Insert variable" menu beside a message, instead of a list under every field.
import { h } from './dom.js';

export const VARIABLES = [
  ['contact.firstName', 'Caller’s first name'],
  ['contact.name', 'Caller’s full name'],
  ['bookingLink', 'Booking link'],
  ['source', 'Source (the line they called)'],
  ['business.name', 'Business name'],
  ['business.address', 'Business address'],
  ['rep.name', 'Assigned rep’s name'],
];

/** A menu that inserts `{{name}}` at the caret of `control` (an input or textarea) and reports it as typed. */
export function variablePicker(control, label) {
  const select = h(
    'select',
    {
      class: 'variable-picker',
      'aria-label': `Insert a variable into ${label}`,
      onchange: () => {
        const name = select.value;
        select.value = '';
        if (!name) return;
        const token = `{{${name}}}`;
        const start = control.selectionStart ?? control.value.length;
        const end = control.selectionEnd ?? start;
        control.setRangeText(token, start, end, 'end');
        control.dispatchEvent(new Event('input', { bubbles: true }));
        control.focus();
      },
    },
    h('option', { value: '' }, '+ Insert variable'),
    VARIABLES.map(([name, words]) => h('option', { value: name }, words)),
  );
  return select;
}

/** Puts the picker on the label row of a field made by fields.js. */
export function withPicker(field) {
  const control = field.querySelector('textarea, input');
  const label = field.querySelector('label');
  if (!control || !label) return field;
  const row = h('div', { class: 'label-row' });
  label.replaceWith(row);
  row.append(label, variablePicker(control, label.textContent ?? 'the field'));
  return field;
}
