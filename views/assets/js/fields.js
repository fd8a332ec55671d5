// Labelled inputs bound to a path of the settings document, each with a hint and an error slot that
// validation errors from the server are mapped to.
import { h, uid } from './dom.js';
import { formatPath, parentPath } from './paths.js';
import { get, set, state } from './state.js';

const registry = new Map();
// Where a field is, in the owner's words ("Step 2"), while a section renders its fields: see withContext.
let context = '';
// Called when an edit clears a field's error, so the summary at the top follows (form.js).
let errorsChanged = () => {};

export function resetRegistry() {
  registry.clear();
}

export function onErrorsChanged(fn) {
  errorsChanged = fn;
}

/** Renders `fn`'s fields as parts of `name` ("Step 2"): their errors read "Step 2 · Wait". */
export function withContext(name, fn) {
  const outer = context;
  context = name;
  try {
    return fn();
  } finally {
    context = outer;
  }
}

/**
 * An edit answers the last save's complaint about that field: the error goes (bug: it stayed beside "All
 * changes saved"), and the summary shrinks with it. The server checks again on the next save.
 */
export function fieldEdited(key) {
  const before = state.errors.length;
  state.errors = state.errors.filter(
    (p) => p.path !== key && !p.path.startsWith(`${key}.`) && !p.path.startsWith(`${key}[`),
  );
  if (state.errors.length !== before) errorsChanged();
}

/** "Step 2 · Wait", "Send window · Window opens": the field a path names, as the owner sees it. */
export function describePath(path) {
  let key = path;
  while (key && !registry.has(key)) key = parentPath(key);
  const entry = registry.get(key);
  if (!entry) return FALLBACK[path.split(/[.[]/)[0]] ?? 'Settings';
  return entry.context ? `${entry.context} · ${entry.label}` : entry.label;
}

const FALLBACK = {
  sequence: 'Follow-up sequence',
  sources: 'Numbers & sources',
  routing: 'Routing',
  escalation: 'Escalation',
  highValue: 'High-value leads',
  sendWindow: 'Send window',
  digest: 'Daily digest',
  stopWhen: 'Stop the follow-up when…',
  consent: 'Consent tag',
};

/** A labelled control with its hint and error slot, registered under `path` for the server's errors. */
export function wrap({ label, path, hint, control, id, after }) {
  const key = formatPath(path);
  const hintId = hint ? uid('hint') : null;
  const errorId = uid('err');
  const error = h('p', { class: 'error', id: errorId, hidden: true });
  control.setAttribute('aria-describedby', [hintId, errorId].filter(Boolean).join(' '));
  control.dataset.path = key;
  const node = h(
    'div',
    { class: 'field' },
    h('label', { for: id }, label),
    control,
    hint ? h('p', { class: 'hint', id: hintId }, hint) : null,
    after ?? null,
    error,
  );
  registry.set(key, { node, control, error, label, context });
  return node;
}

/** A text-like input. `parse` turns the text into the stored value, `format` the reverse. */
export function textField({
  label,
  path,
  hint,
  type = 'text',
  placeholder,
  parse = (v) => v,
  format = (v) => v ?? '',
  onInput,
  after,
  attrs = {},
  normalise,
}) {
  const id = uid('f');
  const input = h('input', { id, type, placeholder, value: format(get(path)), ...attrs });
  input.addEventListener('input', () => {
    set(path, parse(input.value));
    fieldEdited(formatPath(path));
    onInput?.(input.value);
  });
  // "8am" becomes 08:00 when the owner leaves the field: understood, not refused (validate-hints.ts on the server).
  if (normalise) {
    input.addEventListener('change', () => {
      const better = normalise(input.value);
      if (better === null || better === input.value) return;
      input.value = better;
      set(path, parse(better));
      onInput?.(better);
    });
  }
  return wrap({ label, path, hint, control: input, id, after });
}

export function numberField({ label, path, hint, min, max, step = 1 }) {
  return textField({
    label,
    path,
    hint,
    type: 'number',
    attrs: { min, max, step, inputmode: 'numeric' },
    parse: (v) => (v.trim() === '' ? null : Number(v)),
    format: (v) => (v === null || v === undefined ? '' : String(v)),
  });
}

export function textareaField({ label, path, hint, tall = false, onInput, after, parse = (v) => v }) {
  const id = uid('f');
  const area = h('textarea', { id, class: tall ? 'tall' : null, value: get(path) ?? '' });
  area.addEventListener('input', () => {
    set(path, parse(area.value));
    fieldEdited(formatPath(path));
    onInput?.(area.value);
  });
  return wrap({ label, path, hint, control: area, id, after });
}

/** A list of strings edited as comma-separated text. */
export function listField({ label, path, hint, placeholder }) {
  return textField({
    label,
    path,
    hint,
    placeholder,
    parse: (v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    format: (v) => (Array.isArray(v) ? v.join(', ') : ''),
  });
}

export function checkbox({ label, path, onToggle }) {
  const id = uid('c');
  const input = h('input', { id, type: 'checkbox', checked: Boolean(get(path)) });
  input.dataset.path = formatPath(path);
  input.addEventListener('change', () => {
    set(path, input.checked);
    fieldEdited(formatPath(path));
    onToggle?.(input.checked);
  });
  return h('label', { class: 'check', for: id }, input, label);
}

export function selectField({ label, path, hint, options, parse = (v) => v, format = (v) => v ?? '' }) {
  const id = uid('f');
  const current = format(get(path));
  const select = h(
    'select',
    { id },
    options.map((o) => h('option', { value: o.value, selected: o.value === current }, o.label)),
  );
  select.addEventListener('change', () => {
    set(path, parse(select.value));
    fieldEdited(formatPath(path));
  });
  return wrap({ label, path, hint, control: select, id });
}

/** The location's users as checkboxes (several) or a select (one); typed ids when GHL could not list them. */
export function userPicker({ label, path, hint, single = false }) {
  const users = state.lookups.users;
  if (users.length === 0) {
    if (single) {
      return textField({
        label,
        path,
        hint: hint ?? 'User id from HighLevel',
        parse: (v) => v.trim() || null,
        format: (v) => v ?? '',
      });
    }
    return listField({ label, path, hint: hint ?? 'User ids from HighLevel, comma-separated' });
  }
  if (single) {
    const options = [{ value: '', label: 'Nobody' }, ...users.map((u) => ({ value: u.id, label: u.name }))];
    const value = get(path);
    if (value && !users.some((u) => u.id === value)) options.push({ value, label: `${value} (not a user here)` });
    return selectField({ label, path, hint, options, parse: (v) => v || null });
  }
  const chosen = new Set(get(path) ?? []);
  const key = formatPath(path);
  const boxes = users.map((u) => {
    const id = uid('u');
    const input = h('input', { id, type: 'checkbox', checked: chosen.has(u.id) });
    input.addEventListener('change', () => {
      const now = new Set(get(path) ?? []);
      if (input.checked) now.add(u.id);
      else now.delete(u.id);
      // Keep the order of GHL's list so round-robin order is stable and predictable.
      set(path, [
        ...users.map((x) => x.id).filter((x) => now.has(x)),
        ...[...now].filter((x) => !users.some((y) => y.id === x)),
      ]);
      fieldEdited(key);
    });
    return h('label', { class: 'check', for: id }, input, u.name);
  });
  const error = h('p', { class: 'error', hidden: true });
  const node = h(
    'fieldset',
    { dataset: { path: key } },
    h('legend', {}, label),
    h('div', { class: 'checks' }, boxes),
    hint ? h('p', { class: 'hint' }, hint) : null,
    error,
  );
  registry.set(key, { node, control: boxes[0]?.querySelector('input') ?? node, error, label, context });
  return node;
}

/** Puts each problem next to its field (or the nearest enclosing one); returns those with no field on the page. */
export function showErrors(problems) {
  for (const { node, error } of registry.values()) {
    node.classList.remove('invalid');
    error.hidden = true;
    error.textContent = '';
  }
  const unplaced = [];
  for (const problem of problems) {
    let key = problem.path;
    while (key && !registry.has(key)) key = parentPath(key);
    const entry = registry.get(key);
    if (!entry) {
      unplaced.push(problem);
      continue;
    }
    entry.node.classList.add('invalid');
    const folded = entry.node.closest('details');
    if (folded) folded.open = true;
    entry.error.hidden = false;
    entry.error.textContent = entry.error.textContent
      ? `${entry.error.textContent}; ${problem.message}`
      : problem.message;
  }
  return unplaced;
}

export function fieldFor(path) {
  let key = path;
  while (key && !registry.has(key)) key = parentPath(key);
  return registry.get(key)?.control ?? null;
}
