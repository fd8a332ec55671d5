// The page's one mutable state: the settings document being edited, what was last saved, the GHL lookups,
// and the field errors of the last save attempt.
import { getAt, setAt } from './paths.js';

export const state = {
  doc: null,
  savedJson: 'null',
  // The ETag of the version being edited: PUT sends it back as If-Match, so no one else's change is overwritten.
  etag: null,
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

/**
 * Takes an answer of GET or PUT /api/settings: the body is the document itself, its version the `ETag` and its
 * last change `Last-Modified`. Who made it comes from the audit list, when the caller has it.
 */
export function load({ data, headers }, updatedByName = state.updatedByName) {
  state.doc = structuredClone(data);
  state.savedJson = JSON.stringify(data);
  state.etag = headers.get('etag');
  state.updatedAt = headers.get('last-modified');
  state.updatedByName = updatedByName;
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

/** Whether Ringback is on in the saved settings (what the engine does), not in the form being edited. */
export function savedEnabled() {
  return JSON.parse(state.savedJson)?.enabled !== false;
}

export function discard() {
  state.doc = JSON.parse(state.savedJson);
  state.errors = [];
  notify();
}

export function userName(id) {
  return state.lookups.users.find((u) => u.id === id)?.name ?? id;
}
