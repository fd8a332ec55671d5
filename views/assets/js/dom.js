// DOM helpers. Text always goes in as text nodes or textContent: nothing here parses HTML.

const PROPERTIES = new Set(['value', 'checked', 'disabled', 'hidden', 'selected', 'multiple', 'open']);
let counter = 0;

/** A unique element id with a readable prefix. */
export function uid(prefix) {
  counter += 1;
  return `${prefix}-${counter}`;
}

/**
 * `h('button', { class: 'btn', onclick: fn }, 'Save')`. Children may be nodes, strings, arrays, null or false.
 * Strings become text nodes.
 */
export function h(tag, props, ...children) {
  const node = tag === 'svg' || SVG_TAGS.has(tag) ? document.createElementNS(SVG_NS, tag) : document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.setAttribute('class', value);
    else if (key === 'text') node.textContent = String(value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (PROPERTIES.has(key)) node[key] = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(node, child);
    else node.append(child instanceof Node ? child : String(child));
  }
}

const SVG_NS = 'http://www.w3.org/2000/svg';
const SVG_TAGS = new Set(['g', 'rect', 'line', 'text', 'title', 'path']);

/** Replaces the children of `node`. */
export function replace(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

export function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`missing #${id}`);
  return node;
}

/** Calls `fn` once typing pauses for `ms`. */
export function debounce(fn, ms) {
  let timer = 0;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

// How long a toast stays; an error has no timer: it stays until the next message replaces it (status.js).
const TOAST_MS = { ok: 4000, info: 4000, warn: 8000 };
let toastTimer = 0;

/** A toast in the live region that goes away by itself; `kind` is ok, warn, error or info; '' clears it. */
export function announce(text, kind = 'info') {
  clearTimeout(toastTimer);
  const status = byId('status');
  replace(status, text ? h('div', { class: `banner banner-${kind} toast`, dataset: { kind } }, text) : null);
  const ms = TOAST_MS[kind];
  if (text && ms) toastTimer = setTimeout(() => replace(status), ms);
}
