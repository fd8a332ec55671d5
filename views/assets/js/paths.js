// JSON paths as the server writes them in validation details: `sequence[1].after`, `messages["apology-sms"]`.

export function formatPath(path) {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}

/** `sequence[1].after` → `sequence[1]` → `sequence`: where an error is shown when its own field has no input. */
export function parentPath(text) {
  const cut = Math.max(text.lastIndexOf('.'), text.lastIndexOf('['));
  return cut > 0 ? text.slice(0, cut) : '';
}

export function getAt(root, path) {
  let node = root;
  for (const key of path) {
    if (node === null || node === undefined) return undefined;
    node = node[key];
  }
  return node;
}

const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);

export function setAt(root, path, value) {
  if (path.some((key) => UNSAFE.has(key))) return;
  let node = root;
  for (const key of path.slice(0, -1)) node = node[key];
  const last = path[path.length - 1];
  if (value === undefined) delete node[last];
  else node[last] = value;
}
