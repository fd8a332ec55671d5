// Changing a step's kind: asked first, its words carried over, and what was written for the old kind dropped (a
// source's own wording for a text is no email body).
import { askConfirm } from './confirm.js';
import { KIND_LABELS, stepName } from './steps.js';

const FRESH = {
  sms: {
    message:
      "Hi {{contact.firstName}}, it's {{business.name}}. Sorry we missed your call! Book a time: {{bookingLink}} Reply STOP to opt out",
  },
  task: { title: 'Call back {{contact.name}} ({{source}})', dueIn: 'PT0M' },
  email: {
    subject: 'Sorry we missed you, {{contact.firstName}}',
    html: '<p>Hi {{contact.firstName}},</p>\n<p>Sorry we missed your call.</p>',
  },
};

// Every email carries the postal address and a way out (CAN-SPAM): a converted step gets the default footer.
const FOOTER =
  '<p style="font-size:12px;color:#6b7280">{{business.name}}<br>{{business.address}}<br>Reply "unsubscribe" and we will not email you again.</p>';

function plainText(html) {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  return (doc.body.textContent ?? '').replace(/\s+/g, ' ').trim();
}

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
}

/** The words of a step, whatever its kind. */
function wordsOf(step) {
  if (step.action === 'sms') return step.message ?? '';
  if (step.action === 'task') return [step.title, step.body].filter(Boolean).join('\n');
  return plainText(step.html ?? '');
}

/** The step as `kind`: the same id, wait and purpose, the old words in the new kind's main field, nothing else. */
export function convertStep(step, kind) {
  const base = { id: step.id, after: step.after, action: kind, purpose: step.purpose ?? 'informational' };
  const words = wordsOf(step).trim();
  if (!words) return { ...base, ...FRESH[kind] };
  if (kind === 'sms') return { ...base, message: words.slice(0, 1600) };
  if (kind === 'task')
    return {
      ...base,
      title: words.split('\n')[0].slice(0, 200),
      dueIn: 'PT0M',
      ...(words.includes('\n') ? { body: words } : {}),
    };
  const subject = step.action === 'task' ? step.title : FRESH.email.subject;
  const html = [...words.split(/\n+/).map((line) => `<p>${escapeHtml(line)}</p>`), FOOTER].join('\n');
  return { ...base, subject, html };
}

/** Asks before a kind change; resolves whether the owner agreed. */
export function askKindChange(doc, index, kind) {
  const step = doc.sequence[index];
  const custom = customWording(doc, step);
  const from = KIND_LABELS[step.action];
  const to = KIND_LABELS[kind];
  const lines = [
    `Its words are kept as the ${to.toLowerCase()}’s ${kind === 'email' ? 'body' : kind === 'task' ? 'title' : 'text'}; check them before you save.`,
  ];
  if (custom.length && kind !== step.action) {
    lines.push(
      `A source’s own wording was written for the ${from.toLowerCase()}: the wording for ${custom.map((s) => s.tag || s.trackingNumber).join(', ')} will be removed.`,
    );
  }
  return askConfirm({
    title: `Change ${stepName(doc.sequence, step.id)} from ${from.toLowerCase()} to ${to.toLowerCase()}?`,
    message: lines,
    confirmLabel: `Change to ${to.toLowerCase()}`,
    cancelLabel: `Keep it a ${from.toLowerCase()}`,
  });
}

/** Changes the step in `doc` (inside a mutate). */
export function applyKindChange(doc, index, kind) {
  const step = doc.sequence[index];
  doc.sequence[index] = convertStep(step, kind);
  // A text's wording is no email body, nor an email's html a text: a source's own wording goes with the kind.
  if (kind !== step.action) for (const s of customWording(doc, step)) delete s.messages[step.id];
}

/** The sources with their own wording for this step. */
export function customWording(doc, step) {
  return doc.sources.filter((s) => s.messages?.[step.id] !== undefined);
}
