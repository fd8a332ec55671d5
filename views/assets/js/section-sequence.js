// The follow-up sequence: steps added, removed and reordered with buttons; delays in words; message editors
// with a live preview and the SMS segment count.
import { describeDelay } from './durations.js';
import { h } from './dom.js';
import { selectField, textareaField, textField } from './fields.js';
import { livePreview, VARIABLES_HINT } from './preview.js';
import { mutate, state } from './state.js';

const LABELS = { sms: 'Text message (SMS)', task: 'Callback task', email: 'Email' };

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
    html: '<p>Hi {{contact.firstName}},</p>\n<p>Sorry we missed your call. Book a time: <a href="{{bookingLink}}">{{bookingLink}}</a></p>',
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

function delayField(path, value, label, suffix) {
  const words = h('p', { class: 'hint' }, describeDelay(value, suffix));
  return textField({
    label,
    path,
    placeholder: 'PT2M',
    hint: 'ISO 8601: PT2M = 2 minutes, PT1H30M, P1D = 1 day.',
    after: words,
    onInput: (v) => {
      words.textContent = describeDelay(v, suffix);
    },
  });
}

function editor(step, i) {
  const base = ['sequence', i];
  if (step.action === 'sms') {
    const preview = livePreview();
    preview.update(step.message);
    return textareaField({
      label: 'Message',
      path: [...base, 'message'],
      hint: VARIABLES_HINT,
      onInput: preview.update,
      after: preview.node,
    });
  }
  if (step.action === 'task') {
    return h(
      'div',
      { class: 'grid-2' },
      textField({ label: 'Task title', path: [...base, 'title'], hint: VARIABLES_HINT }),
      delayField([...base, 'dueIn'], step.dueIn, 'Task due', 'after it is created'),
      textareaField({
        label: 'Task notes (optional)',
        path: [...base, 'body'],
        parse: (v) => (v.trim() === '' ? undefined : v),
      }),
    );
  }
  const preview = livePreview({ html: true, label: 'What the reader sees (for Jane Cooper)' });
  preview.update(step.html);
  return h(
    'div',
    { class: 'stack' },
    textField({ label: 'Subject', path: [...base, 'subject'] }),
    textareaField({
      label: 'Email body (HTML)',
      path: [...base, 'html'],
      tall: true,
      hint: `${VARIABLES_HINT}. Keep your street address and an unsubscribe line in the footer (CAN-SPAM).`,
      onInput: preview.update,
      after: preview.node,
    }),
  );
}

function move(i, delta, rerender) {
  mutate((doc) => {
    const [step] = doc.sequence.splice(i, 1);
    doc.sequence.splice(i + delta, 0, step);
  });
  // Keep focus on the button that moved the step; at either end that button is disabled, so take the other.
  const to = i + delta;
  const last = state.doc.sequence.length - 1;
  const direction = (delta < 0 && to > 0) || (delta > 0 && to === last) ? 'up' : 'down';
  rerender(`step-${direction}-${to}`);
}

function stepCard(step, i, count, rerender) {
  const title = `Step ${i + 1}: ${LABELS[step.action] ?? step.action}`;
  const controls = h(
    'div',
    { class: 'row' },
    h(
      'button',
      {
        type: 'button',
        class: 'btn btn-ghost btn-small',
        disabled: i === 0,
        'aria-label': `Move step ${i + 1} up`,
        dataset: { focus: `step-up-${i}` },
        onclick: () => move(i, -1, rerender),
      },
      '↑ Up',
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'btn btn-ghost btn-small',
        disabled: i === count - 1,
        'aria-label': `Move step ${i + 1} down`,
        dataset: { focus: `step-down-${i}` },
        onclick: () => move(i, 1, rerender),
      },
      '↓ Down',
    ),
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
  );
  return h(
    'div',
    { class: 'item', dataset: { step: step.id } },
    h('div', { class: 'spread' }, h('h3', {}, title), controls),
    h(
      'div',
      { class: 'stack' },
      h(
        'div',
        { class: 'grid' },
        delayField(['sequence', i, 'after'], step.after, 'Send after', 'after the missed call'),
        textField({ label: 'Step id', path: ['sequence', i, 'id'], hint: 'Used by per-source messages.' }),
        selectField({
          label: 'Kind',
          path: ['sequence', i, 'action'],
          options: Object.entries(LABELS).map(([value, label]) => ({ value, label })),
        }),
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
    ),
  );
}

export function renderSequence(rerender) {
  const steps = state.doc.sequence;
  const add = (action) => () => {
    mutate((doc) => doc.sequence.push({ id: newId(action), ...TEMPLATES[action]() }));
    rerender(`step-up-${state.doc.sequence.length - 1}`);
  };
  const card = h(
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
          'What happens after a missed call, in order. Each step re-checks whether the caller was already reached.',
        ),
      ),
    ),
    h(
      'div',
      { class: 'stack', dataset: { path: 'sequence' } },
      steps.length === 0
        ? h(
            'p',
            { class: 'banner banner-warn' },
            'The sequence is empty: missed calls will be recorded but nobody is followed up.',
          )
        : null,
      steps.map((step, i) => stepCard(step, i, steps.length, rerender)),
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
  // Changing a step's kind swaps its fields: rebuild the step from its template, keeping id and delay.
  card.addEventListener('change', (event) => {
    const path = event.target?.dataset?.path ?? '';
    const match = /^sequence\[(\d+)\]\.action$/.exec(path);
    if (!match) return;
    const i = Number(match[1]);
    mutate((doc) => {
      const old = doc.sequence[i];
      doc.sequence[i] = {
        ...TEMPLATES[old.action](),
        id: old.id,
        after: old.after,
        purpose: old.purpose ?? 'informational',
      };
    });
    rerender(`step-up-${i}`);
  });
  return card;
}
