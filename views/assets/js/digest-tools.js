// The digest as it would read tomorrow morning, and a test digest to the signed-in admin's own email.
import { api } from './api.js';
import { h, replace } from './dom.js';
import { emailFrame, showEmail } from './email-frame.js';
import { state } from './state.js';

export function digestTools() {
  const admin = state.session?.role === 'admin';
  const out = h('div', { 'aria-live': 'polite' });
  const preview = async () => {
    replace(out, h('p', { class: 'muted' }, 'Loading…'));
    try {
      const { data } = await api('GET', '/api/digest/preview');
      const frame = emailFrame('Digest preview');
      // The server escaped every value; the frame runs no script.
      frame.addEventListener('load', () => showEmail(frame, data.html));
      replace(out, h('p', { class: 'mt' }, h('strong', {}, 'Subject: '), data.subject), frame);
    } catch (err) {
      replace(out, h('p', { class: 'error' }, `The preview could not be built: ${err.message}`));
    }
  };
  const sendTest = async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    try {
      const { data } = await api('POST', '/api/digest/test', {});
      replace(out, h('p', { class: 'banner banner-ok mt' }, `A test digest is on its way to ${data.to}.`));
    } catch (err) {
      replace(out, h('p', { class: 'banner banner-error mt' }, err.message));
    } finally {
      button.disabled = false;
    }
  };
  return h(
    'div',
    { class: 'digest-tools' },
    h(
      'div',
      { class: 'row mt' },
      // Outside the settings' disabled fieldset for a rep: previewing changes nothing.
      h(
        'button',
        { type: 'button', class: 'btn btn-secondary btn-small', id: 'digest-preview', onclick: preview },
        'Preview the digest',
      ),
      admin
        ? h(
            'button',
            { type: 'button', class: 'btn btn-secondary btn-small', id: 'digest-test', onclick: sendTest },
            'Send a test digest to me',
          )
        : null,
    ),
    out,
  );
}
