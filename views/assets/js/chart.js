// Missed vs recovered per day as an inline SVG bar chart (elements built with createElementNS, no markup).
import { h } from './dom.js';

const W = 900;
const H = 220;
const PAD = { left: 36, right: 8, top: 12, bottom: 28 };

export function dayChart(perDay) {
  const max = Math.max(1, ...perDay.map((d) => d.missed));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(1, perDay.length);
  const barW = Math.max(2, Math.min(28, slot * 0.38));
  const y = (v) => PAD.top + plotH - (v / max) * plotH;
  const ticks = [0, Math.ceil(max / 2), max].filter((v, i, all) => all.indexOf(v) === i);
  const labelEvery = Math.ceil(perDay.length / 10);
  const total = perDay.reduce((s, d) => s + d.missed, 0);
  const recovered = perDay.reduce((s, d) => s + d.recovered, 0);
  return h(
    'svg',
    {
      viewBox: `0 0 ${W} ${H}`,
      role: 'img',
      'aria-label': `Missed calls and recovered leads per day: ${total} missed, ${recovered} recovered`,
    },
    ticks.map((t) =>
      h(
        'g',
        {},
        h('line', { class: 'axis', x1: PAD.left, x2: W - PAD.right, y1: y(t), y2: y(t) }),
        h('text', { x: PAD.left - 6, y: y(t) + 4, 'text-anchor': 'end' }, String(t)),
      ),
    ),
    perDay.map((d, i) => {
      const x = PAD.left + i * slot + slot / 2;
      return h(
        'g',
        {},
        h(
          'rect',
          {
            class: 'bar-missed',
            x: x - barW,
            y: y(d.missed),
            width: barW,
            height: Math.max(0, y(0) - y(d.missed)),
            rx: 2,
          },
          h('title', {}, `${d.day}: ${d.missed} missed`),
        ),
        h(
          'rect',
          {
            class: 'bar-recovered',
            x,
            y: y(d.recovered),
            width: barW,
            height: Math.max(0, y(0) - y(d.recovered)),
            rx: 2,
          },
          h('title', {}, `${d.day}: ${d.recovered} recovered`),
        ),
        i % labelEvery === 0 ? h('text', { x, y: H - 8, 'text-anchor': 'middle' }, d.day.slice(5)) : null,
      );
    }),
  );
}
