// The sandboxed frame an email is shown in (GET /app/email-preview: no scripts, by sandbox and by its CSP).
import { h } from './dom.js';

export function emailFrame(title) {
  return h('iframe', {
    class: 'email-frame',
    title,
    // Same origin so the page can put the email in; no scripts run in it.
    sandbox: 'allow-same-origin',
    src: '/app/email-preview',
    // Nothing to operate inside: Tab moves on to the next field.
    tabindex: '-1',
  });
}

/**
 * Shows rendered email HTML (its variables escaped by the server) in the frame. Parsed in an inert document,
 * then moved into the frame: nothing here hands markup to the page's own document.
 */
export function showEmail(frame, html) {
  const doc = frame.contentDocument;
  if (!doc?.body) return;
  // The frame's own parser: its document takes the frame's policy (inline styles allowed, as emails need), not
  // the page's.
  const parsed = new doc.defaultView.DOMParser().parseFromString(html, 'text/html');
  doc.body.replaceChildren(...[...parsed.body.childNodes].map((n) => doc.adoptNode(n)));
}
