// The page's one mutable state: the settings document being edited, what was last saved, the GHL lookups,
// and the field errors of the last save attempt.
import { getAt, setAt } from './paths.js';

export const state = {
  doc: null,
  savedJson: 'null',
  version: null,
  updatedAt: null,
  updatedByName: null,
  lookups: { users: [], numbers: [], calendars: [], warnings: [] },
  errors: [],
  session: null,
};

const listeners = new Set();

export function onChange(fn) {
  listeners.add(fn);
}

function notify() {
  for (const fn of listeners) fn();
}

export function load(stored) {
  state.doc = structuredClone(stored.settings);
  state.savedJson = JSON.stringify(stored.settings);
  state.version = stored.version;
  state.updatedAt = stored.updatedAt;
  state.updatedByName = stored.updatedByName;
  state.errors = [];
  notify();
}

export function get(path) {
  return getAt(state.doc, path);
}

export function set(path, value) {
  setAt(state.doc, path, value);
  notify();
}

/** Applies `fn` to the document (a structural change: add, remove, reorder) and notifies. */
export function mutate(fn) {
  fn(state.doc);
  notify();
}

export function isDirty() {
  return state.doc !== null && JSON.stringify(state.doc) !== state.savedJson;
}

export function discard() {
  state.doc = JSON.parse(state.savedJson);
  state.errors = [];
  notify();
}

export function userName(id) {
  return state.lookups.users.find((u) => u.id === id)?.name ?? id;
}
