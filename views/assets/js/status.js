// The page's one status system. Three kinds of message, each with its own place and lifetime:
// - toasts (#status): "Settings saved." and the like; they go away by themselves, and a success goes the moment
//   something makes it untrue (an unsaved change, another tab);
// - problems (#standing): "can't reach Ringback" with a Retry; they stay until the retry works, and clear then;
// - standing notices (#standing): "Ringback is OFF", on every tab for as long as it is true.
// A card that could not load says so in the card itself (failedCard), never stays silently empty.
import { announce, byId, h, replace } from './dom.js';

/** A short message that disappears after a few seconds; an error stays until the next message replaces it. */
export const toast = announce;

/** Removes the current toast (all of them, or only one of the given kind). */
export function clearToast(kind) {
  const current = byId('status').firstElementChild;
  if (!current || (kind && current.dataset.kind !== kind)) return;
  announce('');
}

const notices = new Map();

function renderStanding() {
  replace(byId('standing'), [...notices.values()]);
}

/** A notice that stays on every tab until `clearNotice(key)`; the same key replaces the previous one. */
export function notice(key, node) {
  notices.set(key, node);
  renderStanding();
}

export function clearNotice(key) {
  if (notices.delete(key)) renderStanding();
}

export function hasNotice(key) {
  return notices.has(key);
}

/**
 * Says why something failed, in the owner's words. A lost connection becomes one standing banner with a Retry
 * (running `retry`, which clears it when it works); anything else is an error toast.
 */
export function reportFailure(what, err, retry) {
  if (err?.code === 'NETWORK') {
    announce('');
    offline(retry);
    return;
  }
  toast(`${what}: ${err?.message ?? 'something went wrong'}`, 'error');
}

/** The "can't reach Ringback" banner; `retry` runs when the owner asks, and the banner clears if it succeeds. */
export function offline(retry) {
  const button = h('button', { type: 'button', class: 'btn btn-secondary btn-small', id: 'offline-retry' }, 'Retry');
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await retry?.();
    } catch {
      // A retry that fails again reports itself (and puts this banner back up).
    } finally {
      button.disabled = false;
    }
  });
  notice(
    'offline',
    h(
      'div',
      { class: 'banner banner-error', id: 'offline', role: 'alert' },
      h('strong', {}, 'Can’t reach Ringback right now. '),
      'Your changes are kept on this page; check your connection and retry. ',
      button,
    ),
  );
}

/** Any request that works proves the connection is back. */
export function online() {
  clearNotice('offline');
}

/** The body of a card whose data could not load: what failed, why, and a way to try again. */
export function failedCard(what, err, retry) {
  const message =
    err?.code === 'NETWORK' ? 'Ringback could not be reached.' : (err?.message ?? 'Something went wrong.');
  return h(
    'div',
    { class: 'banner banner-error card-failed', role: 'alert' },
    h('strong', {}, `${what} could not load. `),
    message,
    ' ',
    h('button', { type: 'button', class: 'btn btn-secondary btn-small', onclick: retry }, 'Try again'),
  );
}

/**
 * The standing "Ringback is OFF" banner, on both tabs while the saved settings have it off (what is saved is
 * what the engine does, whatever the form shows meanwhile). `toSettings` opens the switch, for an admin.
 */
export function showOff(off, toSettings) {
  if (!off) {
    clearNotice('off');
    return;
  }
  notice(
    'off',
    h(
      'div',
      { class: 'banner banner-warn', id: 'off-banner', role: 'status' },
      h('strong', {}, 'Ringback is OFF. '),
      'Missed calls are still recorded, but no texts, tasks or emails go out. ',
      toSettings
        ? h('button', { type: 'button', class: 'linklike', onclick: toSettings }, 'Turn it on in Settings › General')
        : 'An admin of this sub-account can turn it on in Settings.',
    ),
  );
}
