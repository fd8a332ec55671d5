// The email step: subject, the body as the reader sees it (rendered, in a sandboxed frame), the HTML behind it
// on demand, and a standing warning while the email has no real postal address (CAN-SPAM).
import { api } from './api.js';
import { debounce, h, replace } from './dom.js';
import { emailFrame, showEmail } from './email-frame.js';
import { textareaField, textField } from './fields.js';
import { state, userName } from './state.js';
import { withPicker } from './variables.js';

const PLACEHOLDER = /\[\s*your (?:street|postal|business|mailing) address/i;

/** Why this email has no postal address yet, in the owner's words; null when it has one. */
export function addressWarning(html) {
  if (PLACEHOLDER.test(html ?? '')) {
    return 'This email still has the placeholder address. Write your postal address in the footer, or use the Business address variable.';
  }
  if (/\{\{\s*business\.address\s*\}\}/.test(html ?? '') && !state.lookups.businessAddress) {
    return 'This email’s footer uses your business address, but HighLevel has none for this sub-account: add it under Settings → Business Profile in HighLevel, or write your postal address here. The law (CAN-SPAM) wants one in every email, so saving is refused until then.';
  }
  if (!/\{\{\s*business\.address\s*\}\}/.test(html ?? '') && !/\d/.test(html ?? '')) {
    return 'This email has no postal address in it. The law (CAN-SPAM) wants one in every email: add the Business address variable to the footer.';
  }
  return null;
}

function sampleValues() {
  const rep = state.doc.routing.userIds[0];
  return {
    bookingLink: state.doc.bookingLink || undefined,
    source: state.doc.sources[0]?.tag ?? 'Facebook Ad Caller',
    repName: rep ? userName(rep) : undefined,
  };
}

export function emailEditor(step, base) {
  const frame = emailFrame('Email preview for Jane Cooper');
  const meta = h('span', { class: 'hint' });
  const warning = h('p', { class: 'banner banner-warn address-warning', role: 'note', hidden: true });
  let html = step.html;
  let loaded = false;
  frame.addEventListener('load', () => {
    loaded = true;
    render(html);
  });
  const render = debounce(async (text) => {
    const message = addressWarning(text);
    warning.hidden = message === null;
    replace(warning, message ?? '');
    if (!loaded) return;
    try {
      const { data } = await api('POST', '/api/preview', { text, html: true, values: sampleValues() });
      // The server escaped every variable's value; the owner's own markup runs no script in the sandbox.
      showEmail(frame, data.rendered);
      replace(
        meta,
        data.unknownVariables.length ? `Unknown: ${data.unknownVariables.map((v) => `{{${v}}}`).join(', ')}` : '',
      );
    } catch (err) {
      replace(meta, `Preview unavailable: ${err.message}`);
    }
  }, 250);
  render(html);
  const subject = withPicker(textField({ label: 'Subject', path: [...base, 'subject'] }));
  const body = withPicker(
    textareaField({
      label: 'Email body (HTML)',
      path: [...base, 'html'],
      tall: true,
      onInput: (v) => {
        html = v;
        render(v);
      },
    }),
  );
  return h(
    'div',
    { class: 'stack' },
    subject,
    warning,
    h('div', { class: 'preview-label' }, h('span', {}, 'What Jane Cooper would see'), meta),
    frame,
    h('details', { class: 'email-html' }, h('summary', {}, 'Edit the HTML'), body),
  );
}
