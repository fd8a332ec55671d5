// Tracking numbers → source tag, high-value flag, per-source texts and who gets the callback; the location's
// HighLevel numbers with the unmapped ones flagged ("verify all numbers").
import { h } from './dom.js';
import { checkbox, numberField, textareaField, textField, userPicker, withContext } from './fields.js';
import { livePreview } from './preview.js';
import { mutate, state } from './state.js';
import { stepName } from './steps.js';
import { withPicker } from './variables.js';

function addSource(number, rerender) {
  mutate((doc) =>
    doc.sources.push({ trackingNumber: number ?? '', tag: '', highValue: false, messages: {}, assignTo: [] }),
  );
  rerender(`source-${state.doc.sources.length - 1}`);
}

function overrides(source, i) {
  const smsSteps = state.doc.sequence.filter((s) => s.action === 'sms');
  if (smsSteps.length === 0) return null;
  // The API also takes a source's own task title or email body (the engine uses them); this page edits texts.
  const customised = smsSteps.filter((step) => source.messages?.[step.id] !== undefined).length;
  return h(
    'details',
    { open: customised > 0 },
    h('summary', {}, `Texts for this source (${customised} of ${smsSteps.length} customised)`),
    h(
      'div',
      { class: 'stack mt' },
      smsSteps.map((step) => {
        const preview = livePreview({ sourceTag: source.tag });
        const text = source.messages?.[step.id] ?? '';
        if (text) preview.update(text);
        return withPicker(
          textareaField({
            label: `Instead of ${stepName(state.doc.sequence, step.id, { when: true })}`,
            path: ['sources', i, 'messages', step.id],
            hint: 'Leave empty to send the sequence’s text.',
            parse: (v) => (v.trim() === '' ? undefined : v),
            onInput: preview.update,
            after: preview.node,
          }),
        );
      }),
    ),
  );
}

function sourceCard(source, i, rerender) {
  const numbers = state.lookups.numbers;
  const known = numbers.length === 0 || numbers.some((n) => n.phoneNumber === source.trackingNumber);
  const number = textField({
    label: 'Tracking number',
    path: ['sources', i, 'trackingNumber'],
    placeholder: '+15550001111',
    type: 'tel',
    attrs: { list: 'ghl-numbers' },
    hint: known ? 'E.164: + and country code.' : 'Not one of this sub-account’s HighLevel numbers.',
  });
  number.querySelector('input').dataset.focus = `source-${i}`;
  return h(
    'div',
    { class: 'item' },
    h(
      'div',
      { class: 'spread' },
      h('h3', {}, source.tag || source.trackingNumber || `Source ${i + 1}`),
      h(
        'button',
        {
          type: 'button',
          class: 'btn btn-ghost btn-small btn-danger',
          'aria-label': `Remove source ${source.tag || i + 1}`,
          onclick: () => {
            mutate((doc) => doc.sources.splice(i, 1));
            rerender('add-source');
          },
        },
        'Remove',
      ),
    ),
    h(
      'div',
      { class: 'stack' },
      h(
        'div',
        { class: 'grid' },
        number,
        textField({
          label: 'Source tag',
          path: ['sources', i, 'tag'],
          placeholder: 'Facebook Ad Caller',
          hint: 'Added to the caller’s contact; {{source}} in texts.',
        }),
        h(
          'div',
          { class: 'field' },
          h('span', { class: 'legend' }, 'Lead value'),
          checkbox({ label: 'High-value source', path: ['sources', i, 'highValue'] }),
        ),
        numberField({
          label: 'A lead is worth ($)',
          path: ['sources', i, 'value'],
          hint: 'Counts a recovered lead when HighLevel has no opportunity value for it.',
          min: 0,
        }),
      ),
      userPicker({
        label: 'Callback goes to',
        path: ['sources', i, 'assignTo'],
        hint: 'Empty: the routing rules below decide. Several: they take turns.',
      }),
      overrides(source, i),
    ),
  );
}

function numbersList(rerender) {
  const numbers = state.lookups.numbers;
  if (numbers.length === 0)
    return h('p', { class: 'hint' }, 'HighLevel’s phone numbers could not be listed; type tracking numbers by hand.');
  const unmapped = numbers.filter((n) => !state.doc.sources.some((s) => s.trackingNumber === n.phoneNumber));
  return h(
    'div',
    {},
    h(
      'div',
      { class: 'spread' },
      h('h3', {}, 'Your HighLevel numbers'),
      unmapped.length
        ? h('span', { class: 'badge badge-amber' }, `${unmapped.length} of ${numbers.length} not mapped`)
        : h('span', { class: 'badge badge-green' }, `All ${numbers.length} numbers mapped`),
    ),
    h(
      'table',
      { class: 'mt' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col' }, 'Number'),
          h('th', { scope: 'col' }, 'Name in HighLevel'),
          h('th', { scope: 'col' }, 'Source'),
          h('th', { scope: 'col' }, h('span', { class: 'muted' }, 'Action')),
        ),
      ),
      h(
        'tbody',
        {},
        numbers.map((n) => {
          const source = state.doc.sources.find((s) => s.trackingNumber === n.phoneNumber);
          return h(
            'tr',
            { dataset: { number: n.phoneNumber } },
            h('td', {}, n.phoneNumber),
            h('td', {}, n.friendlyName ?? ''),
            h(
              'td',
              {},
              source
                ? h('span', { class: 'badge badge-blue' }, source.tag || '(no tag yet)')
                : h('span', { class: 'badge badge-amber' }, 'Not mapped'),
            ),
            h(
              'td',
              {},
              source
                ? null
                : h(
                    'button',
                    {
                      type: 'button',
                      class: 'btn btn-secondary btn-small',
                      onclick: () => addSource(n.phoneNumber, rerender),
                    },
                    'Map this number',
                  ),
            ),
          );
        }),
      ),
    ),
  );
}

export function renderSources(rerender) {
  return h(
    'section',
    { class: 'card', id: 'sec-sources', 'aria-labelledby': 'sec-sources-title' },
    h(
      'header',
      {},
      h(
        'div',
        {},
        h('h2', { id: 'sec-sources-title' }, 'Tracking numbers and sources'),
        h(
          'p',
          {},
          'Which line a caller dialled tells Ringback where the lead came from. Verify every business line is mapped.',
        ),
      ),
    ),
    h(
      'div',
      { class: 'stack' },
      numbersList(rerender),
      h(
        'datalist',
        { id: 'ghl-numbers' },
        state.lookups.numbers.map((n) => h('option', { value: n.phoneNumber }, n.friendlyName ?? n.phoneNumber)),
      ),
      h(
        'div',
        { class: 'stack', dataset: { path: 'sources' } },
        state.doc.sources.map((s, i) =>
          withContext(s.tag || s.trackingNumber || `Source ${i + 1}`, () => sourceCard(s, i, rerender)),
        ),
      ),
      h(
        'div',
        { class: 'row' },
        h(
          'button',
          {
            type: 'button',
            class: 'btn btn-secondary',
            dataset: { focus: 'add-source' },
            onclick: () => addSource('', rerender),
          },
          '+ Add a source',
        ),
      ),
    ),
  );
}
