// Who calls back: round-robin reps, tag rules, escalation to a manager, and what counts as high value.
import { h } from './dom.js';
import { listField, numberField, textField, userPicker } from './fields.js';
import { waitField } from './wait.js';
import { mutate, state } from './state.js';

function ruleCard(rule, i, rerender) {
  return h(
    'div',
    { class: 'item' },
    h(
      'div',
      { class: 'spread' },
      h('h3', {}, `Rule ${i + 1}: contacts tagged “${rule.ifTag || '…'}”`),
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-ghost btn-small btn-danger',
          'aria-label': `Remove rule ${i + 1}`,
          onclick: () => {
            mutate((doc) => doc.routing.rules.splice(i, 1));
            rerender('add-rule');
          },
        },
        'Remove',
      ),
    ),
    h(
      'div',
      { class: 'stack' },
      textField({
        label: 'If the contact or source has the tag',
        path: ['routing', 'rules', i, 'ifTag'],
        placeholder: 'Service',
        attrs: { dataset: { focus: `rule-${i}` } },
      }),
      userPicker({ label: 'Assign to', path: ['routing', 'rules', i, 'userIds'] }),
    ),
  );
}

export function renderRouting(rerender) {
  const doc = state.doc;
  return h(
    'section',
    { class: 'card', id: 'sec-routing', 'aria-labelledby': 'sec-routing-title' },
    h(
      'header',
      {},
      h(
        'div',
        {},
        h('h2', { id: 'sec-routing-title' }, 'Routing and escalation'),
        h('p', {}, 'A source’s own reps come first, then the first matching rule, then round-robin.'),
      ),
    ),
    h(
      'div',
      { class: 'stack' },
      userPicker({
        label: 'Round-robin reps',
        path: ['routing', 'userIds'],
        hint: 'Callbacks rotate between these reps when no source or rule decides.',
      }),
      h(
        'div',
        { class: 'stack', dataset: { path: 'routing.rules' } },
        doc.routing.rules.map((r, i) => ruleCard(r, i, rerender)),
      ),
      h(
        'div',
        { class: 'row' },
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-secondary',
            dataset: { focus: 'add-rule' },
            onclick: () => {
              mutate((d) => d.routing.rules.push({ ifTag: '', userIds: [] }));
              rerender(`rule-${state.doc.routing.rules.length - 1}`);
            },
          },
          '+ Add a routing rule',
        ),
      ),
      h('h3', { class: 'mt' }, 'Escalation'),
      h(
        'div',
        { class: 'grid' },
        numberField({
          label: 'Missed connections before escalating',
          path: ['escalation', 'afterMissedConnections'],
          min: 1,
          hint: 'Missed calls plus unanswered callbacks.',
        }),
        numberField({ label: 'Counted over (days)', path: ['escalation', 'withinDays'], min: 1 }),
        userPicker({
          label: 'Manager',
          path: ['escalation', 'managerUserId'],
          single: true,
          hint: 'Gets a priority task when the count is reached.',
        }),
      ),
      h('h3', { class: 'mt' }, 'High-value leads'),
      h(
        'div',
        { class: 'grid' },
        listField({
          label: 'Contact tags that mean high value',
          path: ['highValue', 'tags'],
          placeholder: 'VIP, Implant consult',
          hint: 'Comma-separated.',
        }),
        waitField({
          label: 'Call high-value leads back within',
          path: ['highValue', 'callbackWithin'],
          suffix: 'of the call',
          hint: 'Their callback task is created at once, due within this time.',
        }),
      ),
    ),
  );
}
