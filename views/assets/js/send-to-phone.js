// "Send this text to my phone", under the test call's result: the admin picks one of its texts, types their
// mobile number, and Ringback sends that text, rendered as shown, through HighLevel (POST
// /api/test-call/send-to-phone). Admins only; the server allows a few an hour.
import { api } from './api.js';
import { h, replace, uid } from './dom.js';
import { state } from './state.js';
import { KIND_LABELS, stepName } from './steps.js';

function field(label, control) {
  const id = uid('stp');
  control.id = id;
  return h('div', { class: 'field' }, h('label', { for: id }, label), control);
}

/** The box for a dry run `result` made from the request `call`; null when the run has no text or for a rep. */
export function sendToPhoneBox(result, call) {
  if (state.session?.role !== 'admin') return null;
  const texts = result.steps.filter((s) => s.rendered.action === 'sms');
  if (texts.length === 0) return null;
  const which = h(
    'select',
    { name: 'stepId' },
    texts.map((s) =>
      h(
        'option',
        { value: s.id },
        state.doc.sequence.some((q) => q.id === s.id) ? stepName(state.doc.sequence, s.id) : KIND_LABELS.sms,
      ),
    ),
  );
  const phone = h('input', { type: 'tel', name: 'to', autocomplete: 'tel', placeholder: '(212) 555-0187' });
  const outcome = h('p', { class: 'hint', 'aria-live': 'polite', id: 'send-to-phone-result' });
  const button = h(
    'button',
    { type: 'submit', class: 'btn btn-secondary', id: 'send-to-phone-button' },
    'Send to my phone',
  );
  const form = h(
    'form',
    { class: 'item mt', id: 'send-to-phone', 'aria-labelledby': 'send-to-phone-title' },
    h('h3', { id: 'send-to-phone-title' }, 'Send this text to my phone'),
    h(
      'p',
      { class: 'hint' },
      'See it as the caller would: one real text from this sub-account to your own mobile, through HighLevel.',
    ),
    h('div', { class: 'grid' }, field('Which text', which), field('Your mobile number', phone)),
    h('div', { class: 'row mt' }, button),
    outcome,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!phone.value.trim()) {
      replace(outcome, h('span', { class: 'error' }, 'Type your mobile number first.'));
      phone.focus();
      return;
    }
    button.disabled = true;
    replace(outcome, 'Sending…');
    try {
      const { data } = await api('POST', '/api/test-call/send-to-phone', {
        ...call,
        to: phone.value.trim(),
        stepId: which.value,
      });
      replace(outcome, h('span', { class: 'sent-ok' }, `Sent to ${data.to}. It should arrive within a minute.`));
    } catch (err) {
      replace(outcome, h('span', { class: 'error' }, `Not sent: ${err.message}`));
    } finally {
      button.disabled = false;
    }
  });
  return form;
}
