// The follow-up sequence as a GHL-style timeline: steps in time order (every wait counts from the missed call),
// "Wait [2] [minutes ▾]", a variable picker beside each message, a rendered email, a question before a step
// changes kind, and each source's own wording shown on the step it replaces. Step ids stay in the document only.
import { h } from './dom.js';
import { addressWarning, emailEditor } from './email-editor.js';
import { selectField, textareaField, textField, withContext } from './fields.js';
import { livePreview } from './preview.js';
import { mutate, state } from './state.js';
import { applyKindChange, askKindChange, customWording } from './step-kind.js';
import { inTimeOrder, KIND_LABELS, sortByTime } from './steps.js';
import { withPicker } from './variables.js';
import { waitField } from './wait.js';

const TEMPLATES = {
  // Plain ASCII (no curly quotes): one character outside GSM-7 makes every segment 70 characters instead of 160.
  sms: () => ({
    after: 'PT1H',
    action: 'sms',
    purpose: 'informational',
    message:
      "Hi {{contact.firstName}}, it's {{business.name}}. Sorry we missed your call! Book a time here: {{bookingLink}} Reply STOP to opt out",
  }),
  task: () => ({
    after: 'PT15M',
    action: 'task',
    purpose: 'informational',
    title: 'Call back {{contact.name}} ({{source}})',
    dueIn: 'PT0M',
  }),
  email: () => ({
    after: 'PT2H',
    action: 'email',
    purpose: 'informational',
    subject: 'Sorry we missed you, {{contact.firstName}}',
    html: [
      '<p>Hi {{contact.firstName}},</p>',
      '<p>Sorry we missed your call. Book a time: <a href="{{bookingLink}}">{{bookingLink}}</a></p>',
      '<p style="font-size:12px;color:#6b7280">{{business.name}}<br>{{business.address}}<br>Reply "unsubscribe" and we will not email you again.</p>',
    ].join('\n'),
  }),
};

// Why a step is sent, in the owner's words (docs/compliance-hours.md, "Consent").
const PURPOSES = [
  { value: 'informational', label: 'About their call (apology, callback)' },
  { value: 'marketing', label: 'Sales follow-up ("still interested? book now")' },
];

function newId(action) {
  const taken = new Set(state.doc.sequence.map((s) => s.id));
  let n = 1;
  while (taken.has(`${action}-${n}`)) n += 1;
  return `${action}-${n}`;
}

/** The sources that send their own text instead of this step's, named, with where to edit them. */
function sourceWording(step) {
  const custom = customWording(state.doc, step);
  if (custom.length === 0) return null;
  return h(
    'p',
    { class: 'hint source-wording' },
    `Callers on ${custom.map((s) => s.tag || s.trackingNumber).join(', ')} get their own wording instead: `,
    h('a', { href: '#sec-sources' }, 'edit it in Numbers & sources'),
    '.',
  );
}

function editor(step, i) {
  const base = ['sequence', i];
  if (step.action === 'sms') {
    const preview = livePreview();
    preview.update(step.message);
    return h(
      'div',
      { class: 'stack' },
      withPicker(
        textareaField({ label: 'Message', path: [...base, 'message'], onInput: preview.update, after: preview.node }),
      ),
      sourceWording(step),
    );
  }
  if (step.action === 'task') {
    return h(
      'div',
      { class: 'grid-2' },
      withPicker(textField({ label: 'Task title', path: [...base, 'title'] })),
      waitField({ label: 'Task due', path: [...base, 'dueIn'], suffix: 'after it is created' }),
      textareaField({
        label: 'Task notes (optional)',
        path: [...base, 'body'],
        parse: (v) => (v.trim() === '' ? undefined : v),
      }),
    );
  }
  return emailEditor(step, base);
}

function stepCard(step, i, rerender) {
  return withContext(`Step ${i + 1}`, () => stepCardIn(step, i, rerender));
}

function stepCardIn(step, i, rerender) {
  const name = `Step ${i + 1}`;
  const kind = selectField({
    label: 'Kind',
    path: ['sequence', i, 'action'],
    options: Object.entries(KIND_LABELS).map(([value, label]) => ({ value, label })),
  });
  const kindSelect = kind.querySelector('select');
  // The select's own change handler would swap the kind at once; stop it and ask first.
  kindSelect.addEventListener(
    'change',
    async (event) => {
      event.stopImmediatePropagation();
      const wanted = kindSelect.value;
      kindSelect.value = step.action;
      if (!(await askKindChange(state.doc, i, wanted))) return;
      mutate((doc) => applyKindChange(doc, i, wanted));
      rerender(`kind-${step.id}`);
    },
    { capture: true },
  );
  kindSelect.dataset.focus = `kind-${step.id}`;
  const body = (() =>
    h(
      'div',
      { class: 'stack' },
      h(
        'div',
        { class: 'grid' },
        waitField({
          label: 'Wait',
          path: ['sequence', i, 'after'],
          suffix: 'after the missed call',
          focusKey: `wait-${step.id}`,
          onCommit: () => {
            if (inTimeOrder(state.doc.sequence)) return;
            mutate((doc) => sortByTime(doc.sequence));
            rerender(`wait-${step.id}`);
          },
        }),
        kind,
        selectField({
          label: 'Purpose',
          path: ['sequence', i, 'purpose'],
          options: PURPOSES,
          format: (v) => v ?? 'informational',
          hint:
            step.action === 'sms'
              ? 'A sales text needs written consent in Florida, Oklahoma and Maryland: it only goes to contacts there with your consent tag.'
              : '',
        }),
      ),
      editor(step, i),
    ))();
  return h(
    'li',
    { class: `step step-${step.action}`, dataset: { step: String(i + 1) } },
    h(
      'div',
      { class: 'spread' },
      h('h3', {}, `${name} · ${KIND_LABELS[step.action] ?? step.action}`),
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-ghost btn-small btn-danger',
          'aria-label': `Remove step ${i + 1}`,
          onclick: () => {
            mutate((doc) => doc.sequence.splice(i, 1));
            rerender('add-step');
          },
        },
        'Remove',
      ),
    ),
    body,
  );
}

export function renderSequence(rerender) {
  // A document saved before the server kept time order is shown in time order, as the engine runs it; that
  // alone is not an unsaved change.
  if (!inTimeOrder(state.doc.sequence)) {
    sortByTime(state.doc.sequence);
    const saved = JSON.parse(state.savedJson);
    if (saved?.sequence) sortByTime(saved.sequence);
    state.savedJson = JSON.stringify(saved);
  }
  const steps = state.doc.sequence;
  const add = (action) => () => {
    const id = newId(action);
    mutate((doc) => {
      doc.sequence.push({ id, ...TEMPLATES[action]() });
      sortByTime(doc.sequence);
    });
    rerender(`wait-${id}`);
  };
  const noAddress = steps.some((s) => s.action === 'email' && addressWarning(s.html));
  return h(
    'section',
    { class: 'card', id: 'sec-sequence', 'aria-labelledby': 'sec-sequence-title' },
    h(
      'header',
      {},
      h(
        'div',
        {},
        h('h2', { id: 'sec-sequence-title' }, 'Follow-up sequence'),
        h(
          'p',
          {},
          'What happens after a missed call, in time order. Every wait counts from the call; each step first checks whether the caller was already reached.',
        ),
      ),
    ),
    noAddress
      ? h(
          'p',
          { class: 'banner banner-warn', id: 'address-banner' },
          'An email below has no real postal address yet. The law (CAN-SPAM) wants one in every email: see the email step.',
        )
      : null,
    steps.length === 0
      ? h(
          'p',
          { class: 'banner banner-warn' },
          'The sequence is empty: missed calls will be recorded but nobody is followed up.',
        )
      : null,
    h(
      'ol',
      { class: 'sequence-timeline', dataset: { path: 'sequence' } },
      h(
        'li',
        { class: 'step-start' },
        h('strong', {}, 'A call is missed'),
        h('span', { class: 'hint' }, ' · the caller is tagged and a rep is chosen'),
      ),
      steps.map((step, i) => stepCard(step, i, rerender)),
    ),
    h(
      'div',
      { class: 'row mt' },
      h(
        'button',
        { type: 'button', class: 'btn btn-secondary', dataset: { focus: 'add-step' }, onclick: add('sms') },
        '+ Add text',
      ),
      h('button', { type: 'button', class: 'btn btn-secondary', onclick: add('task') }, '+ Add callback task'),
      h('button', { type: 'button', class: 'btn btn-secondary', onclick: add('email') }, '+ Add email'),
    ),
  );
}
