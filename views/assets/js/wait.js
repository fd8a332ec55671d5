// "Wait [2] [minutes ▾]": a delay as the owner thinks of it, stored as the ISO 8601 duration the API keeps.
import { h, uid } from './dom.js';
import { parseDuration } from './durations.js';
import { fieldEdited, wrap } from './fields.js';
import { formatPath } from './paths.js';
import { get, set } from './state.js';

const UNITS = [
  { value: 'minutes', label: 'minutes', seconds: 60, iso: (n) => `PT${n}M` },
  { value: 'hours', label: 'hours', seconds: 3_600, iso: (n) => `PT${n}H` },
  { value: 'days', label: 'days', seconds: 86_400, iso: (n) => `P${n}D` },
];

/** `PT2M` → { amount: '2', unit: 'minutes' }; the largest unit that divides it evenly. */
export function splitDuration(text) {
  const seconds = parseDuration(text);
  if (seconds === null) return { amount: '', unit: 'minutes' };
  for (const unit of [...UNITS].reverse()) {
    if (seconds > 0 && seconds % unit.seconds === 0)
      return { amount: String(seconds / unit.seconds), unit: unit.value };
  }
  return { amount: String(Math.round((seconds / 60) * 100) / 100), unit: 'minutes' };
}

/** A whole number and a unit → ISO 8601, or null when the number is not a whole number of 0 or more. */
export function joinDuration(amount, unit) {
  const text = String(amount).trim();
  if (!/^\d{1,6}$/.test(text)) return null;
  return (UNITS.find((u) => u.value === unit) ?? UNITS[0]).iso(Number(text));
}

/**
 * `onCommit` runs when the owner has settled on a value (the field loses focus or the unit changes): the
 * sequence re-sorts then, never while they type.
 */
export function waitField({ label, path, hint, suffix, focusKey, onCommit }) {
  const key = formatPath(path);
  const { amount, unit } = splitDuration(get(path));
  const id = uid('w');
  const number = h('input', {
    id,
    type: 'text',
    inputmode: 'numeric',
    class: 'wait-amount',
    value: amount,
    dataset: focusKey ? { focus: focusKey } : {},
  });
  const units = h(
    'select',
    { class: 'wait-unit', 'aria-label': `${label}: unit` },
    UNITS.map((u) => h('option', { value: u.value, selected: u.value === unit }, u.label)),
  );
  const problem = h('p', { class: 'error wait-problem', hidden: true });
  const update = () => {
    const iso = joinDuration(number.value, units.value);
    // An unfinished number is kept as typed-nothing: the page says why now, the server refuses it on save.
    set(path, iso ?? '');
    fieldEdited(key);
    problem.hidden = iso !== null;
    problem.textContent = iso === null ? 'Write a whole number, such as 2.' : '';
  };
  number.addEventListener('input', update);
  // A wait that is not a number yet stays where it is: it is not re-sorted as if it were "right away".
  const commit = () => {
    if (joinDuration(number.value, units.value) !== null) onCommit?.();
  };
  number.addEventListener('change', commit);
  units.addEventListener('change', () => {
    update();
    commit();
  });
  const control = h('div', { class: 'wait' }, number, units, suffix ? h('span', { class: 'hint' }, suffix) : null);
  const node = wrap({ label, path, hint, control: number, id, after: problem });
  // The number is the registered control (errors and focus go to it); the unit sits beside it.
  node.replaceChild(control, number);
  control.prepend(number);
  return node;
}
