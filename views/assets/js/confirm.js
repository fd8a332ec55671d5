// A modal question with two answers (a <dialog>, so focus is trapped and Escape cancels).
import { h } from './dom.js';

/** Resolves true when the owner chose `confirmLabel`, false on cancel or Escape. */
export function askConfirm({ title, message, confirmLabel, cancelLabel = 'Cancel', danger = false }) {
  return new Promise((resolve) => {
    const finish = (answer) => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    const dialog = h(
      'dialog',
      { class: 'confirm', 'aria-labelledby': 'confirm-title' },
      h('h2', { id: 'confirm-title' }, title),
      (Array.isArray(message) ? message : [message]).map((m) => h('p', {}, m)),
      h(
        'div',
        { class: 'row mt confirm-actions' },
        h(
          'button',
          { type: 'button', class: 'btn btn-secondary', id: 'confirm-cancel', onclick: () => finish(false) },
          cancelLabel,
        ),
        h(
          'button',
          {
            type: 'button',
            class: `btn ${danger ? 'btn-danger-solid' : 'btn-primary'}`,
            id: 'confirm-ok',
            onclick: () => finish(true),
          },
          confirmLabel,
        ),
      ),
    );
    dialog.addEventListener('cancel', (e) => {
      e.preventDefault();
      finish(false);
    });
    document.body.append(dialog);
    dialog.showModal();
    dialog.querySelector('#confirm-cancel').focus();
  });
}
