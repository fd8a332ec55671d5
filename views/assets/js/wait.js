// "Wait [2] [minutes ▾]": a delay as the owner thinks of it, stored as the ISO 8601 duration the API keeps.
// The server's reading of the ISO text (src/core/shared/duration.js), served as is: what the page shows is what runs.
import { parseDuration } from '/app/core/duration.js';
import { h, uid } from './dom.js';
import { fieldEdited, wrap } from './fields.js';
import { formatPath } from './paths.js';
import { get, set } from './state.js';

const UNITS = [
  { value: 'minutes', label: 'minutes', ms: 60_000, iso: (n) => `PT${n}M` },
  { value: 'hours', label: 'hours', ms: 3_600_000, iso: (n) => `PT${n}H` },
  { value: 'days', label: 'days', ms: 86_400_000, iso: (n) => `P${n}D` },
];

/** `PT2M` → { amount: '2', unit: 'minutes' }; the largest unit that divides it evenly. */
export function splitDuration(text) {
  const ms = parseDuration(text);
  if (ms === null) return { amount: '', unit: 'minutes' };
  for (const unit of [...UNITS].reverse()) {
    if (ms > 0 && ms % unit.ms === 0) return { amount: String(ms / unit.ms), unit: unit.value };
  }
  return { amount: String(Math.round((ms / 60_000) * 100) / 100), unit: 'minutes' };
}

/**
 * A whole number and a unit → ISO 8601, or null when the number is not a whole number of 0 or more, or is one the
 * server cannot read (a total past 2^53 ms): any wait the page lets through is one the server accepts.
 */
export function joinDuration(amount, unit) {
  const text = String(amount).trim();
  if (!/^\d+$/.test(text)) return null;
  const iso = (UNITS.find((u) => u.value === unit) ?? UNITS[0]).iso(Number(text));
  return parseDuration(iso) === null ? null : iso;
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
