// Carrier registration (A2P 10DLC): warnings from GHL's delivery reports and campaign text that matches what
// Ringback sends, for the owner to paste into GHL's Trust Center. Read-only: nothing here is saved.
import { h } from './dom.js';
import { state } from './state.js';

function block(label, text) {
  const area = h('textarea', {
    readonly: true,
    rows: Math.min(8, Math.max(2, Math.ceil(text.length / 90))),
    'aria-label': label,
  });
  area.value = text;
  const copy = h('button', { type: 'button', class: 'btn btn-secondary' }, 'Copy');
  copy.addEventListener('click', async () => {
    area.select();
    try {
      await navigator.clipboard.writeText(text);
      copy.textContent = 'Copied';
    } catch {
      copy.textContent = 'Select and copy';
    }
  });
  return h('div', { class: 'stack' }, h('strong', {}, label), area, h('div', {}, copy));
}

export function renderA2p() {
  const campaign = state.lookups.a2pCampaign;
  const warnings = state.lookups.deliveryWarnings ?? [];
  return h(
    'section',
    { class: 'card', id: 'sec-a2p', 'aria-labelledby': 'sec-a2p-title' },
    h(
      'header',
      {},
      h(
        'div',
        {},
        h('h2', { id: 'sec-a2p-title' }, 'Carrier registration (A2P 10DLC)'),
        h(
          'p',
          {},
          'US carriers only deliver business texts from registered campaigns, and reject missed-call campaigns that explain consent badly. Use this text for your campaign in GHL (Phone System → Trust Center).',
        ),
      ),
    ),
    h(
      'div',
      { class: 'stack' },
      warnings.map((w) =>
        h(
          'div',
          { class: 'banner banner-warn', dataset: { code: w.code } },
          w.message,
          ` (${w.occurrences} text${w.occurrences === 1 ? '' : 's'})`,
        ),
      ),
      campaign
        ? [
            block('Use case', campaign.useCase),
            block('Campaign description', campaign.description),
            block('How consumers opt in (message flow)', campaign.messageFlow),
            ...campaign.sampleMessages.map((m, i) => block(`Sample message ${i + 1}`, m)),
            block('Opt-out keywords', campaign.optOutKeywords),
            block('Opt-out reply', campaign.optOutMessage),
            block('Help reply', campaign.helpMessage),
          ]
        : h('p', { class: 'muted' }, 'Campaign text is not available.'),
    ),
  );
}
