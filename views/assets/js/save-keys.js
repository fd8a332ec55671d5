// Saving from anywhere: a Save button in the header, Ctrl+S (⌘S on a Mac), and the sticky save bar never
// covering the field being edited.
import { h } from './dom.js';
import { isDirty, onChange, state } from './state.js';

let wired = false;

export function wireSaveExtras(save) {
  if (wired) return;
  wired = true;
  const admin = () => state.session?.role === 'admin';
  const top = h(
    'button',
    {
      type: 'button',
      class: 'btn btn-primary btn-small',
      id: 'save-top',
      title: 'Save (Ctrl+S)',
      onclick: () => save(),
    },
    'Save',
  );
  top.hidden = !admin();
  document.querySelector('.topbar')?.append(top);
  const update = () => {
    top.disabled = !isDirty() || !admin();
  };
  onChange(update);
  update();
  document.addEventListener('keydown', (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.key.toLowerCase() !== 's' || event.altKey) return;
    // The browser's own "save page" is never what the owner means here.
    event.preventDefault();
    if (admin() && isDirty() && !document.getElementById('save')?.disabled) save();
  });
  // A field focused behind the sticky bar (Tab, a click on an error) scrolls up to sit clear of it.
  document.addEventListener('focusin', (event) => {
    const bar = document.getElementById('savebar');
    const target = event.target;
    // Not on screen (a rep's page, the Dashboard tab): nothing to clear. A click must never move what it hits.
    if (!bar || bar.getClientRects().length === 0 || !(target instanceof HTMLElement) || bar.contains(target)) return;
    if (!target.matches(':focus-visible')) return;
    const barTop = bar.getBoundingClientRect().top;
    const rect = target.getBoundingClientRect();
    if (rect.bottom > barTop - 8) window.scrollBy(0, rect.bottom - barTop + 24);
  });
}
