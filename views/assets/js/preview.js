// Live preview of a template for a sample contact, rendered by the server with the engine's own rules, with
// the SMS segment count.
import { api } from './api.js';
import { debounce, h, replace } from './dom.js';
import { state, userName } from './state.js';

function sampleValues(sourceTag) {
  const doc = state.doc;
  const rep = doc.routing.userIds[0];
  return {
    bookingLink: doc.bookingLink || undefined,
    source: sourceTag ?? doc.sources[0]?.tag ?? 'Facebook Ad Caller',
    repName: rep ? userName(rep) : undefined,
  };
}

/** `{ node, update(text) }`: a preview box that re-renders when `update` is called (debounced). */
export function livePreview({ html = false, sourceTag = null, label = 'Preview for Jane Cooper' } = {}) {
  const meta = h('span', {});
  const body = h('div', { class: html ? 'preview' : 'preview bubble' });
  const node = h(
    'div',
    { class: 'mt', 'aria-live': 'polite' },
    h('div', { class: 'preview-label' }, h('span', {}, label), meta),
    body,
  );
  const run = debounce(async (text) => {
    if (!text || text.trim() === '') {
      replace(body, h('span', { class: 'muted' }, 'Nothing to preview yet.'));
      replace(meta);
      return;
    }
    try {
      const { data } = await api('POST', '/api/preview', { text, html, values: sampleValues(sourceTag) });
      // Email HTML is shown as the words a reader sees (the server's text version), never as markup.
      replace(body, data.text);
      const notes = [];
      if (data.segments) {
        const s = data.segments;
        notes.push(`${s.segments} SMS segment${s.segments === 1 ? '' : 's'} · ${s.characters} chars · ${s.encoding}`);
      }
      if (data.unknownVariables.length)
        notes.push(`unknown: ${data.unknownVariables.map((v) => `{{${v}}}`).join(', ')}`);
      replace(
        meta,
        h(
          'span',
          { class: data.unknownVariables.length || (data.segments?.segments ?? 1) > 2 ? 'error' : '' },
          notes.join(' · '),
        ),
      );
    } catch (err) {
      replace(meta, h('span', { class: 'error' }, `Preview unavailable: ${err.message}`));
    }
  }, 250);
  return { node, update: run };
}

export const VARIABLES_HINT =
  'Variables: {{contact.firstName}}, {{contact.name}}, {{bookingLink}}, {{source}}, {{business.name}}, {{business.address}}, {{rep.name}}';
